/**
 * The one IPC channel between the renderer and the engine; RpcMessages travel on it both
 * ways. The preload repeats this literal (it may import only types from shared).
 */
export const RPC_CHANNEL = 'tracelight:rpc';
