/**
 * The IPC host with a stand-in for Electron's ipcMain (no Electron binary here): messages are
 * taken only from the window's own main frame on a trusted page, and only in RpcMessage shape.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

const ipcMain = new EventEmitter();
vi.mock('electron', () => ({ ipcMain }));

const { createIpcTransport } = await import('../../../src/main/ipc-transport');
const { RPC_CHANNEL } = await import('../../../src/shared/rpc/electron-bridge');

function makeContents(url = 'app://tracelight/index.html') {
  const mainFrame = { url };
  const sent: unknown[] = [];
  const contents = {
    mainFrame,
    isDestroyed: vi.fn(() => false),
    send: vi.fn((channel: string, message: unknown) => sent.push({ channel, message })),
  };
  return { contents, sent, mainFrame };
}

const isTrusted = (url: string) => url.startsWith('app://tracelight/');
const request = { type: 'request', id: 1, method: 'listSources', params: {} };

describe('createIpcTransport', () => {
  it('delivers well-formed messages from the window it serves', () => {
    const { contents, mainFrame } = makeContents();
    const transport = createIpcTransport(contents as never, isTrusted);
    const received: unknown[] = [];
    const stop = transport.onMessage((m) => received.push(m));
    ipcMain.emit(RPC_CHANNEL, { sender: contents, senderFrame: mainFrame }, request);
    ipcMain.emit(RPC_CHANNEL, { sender: contents, senderFrame: mainFrame }, { type: 'request', id: 'x', method: 'listSources' });
    ipcMain.emit(RPC_CHANNEL, { sender: contents, senderFrame: mainFrame }, 'garbage');
    expect(received).toEqual([request]);
    stop();
    ipcMain.emit(RPC_CHANNEL, { sender: contents, senderFrame: mainFrame }, request);
    expect(received).toHaveLength(1);
  });

  it('ignores other windows, subframes and untrusted pages', () => {
    const { contents, mainFrame } = makeContents();
    const other = makeContents();
    const received: unknown[] = [];
    createIpcTransport(contents as never, isTrusted).onMessage((m) => received.push(m));
    ipcMain.emit(RPC_CHANNEL, { sender: other.contents, senderFrame: other.mainFrame }, request);
    ipcMain.emit(RPC_CHANNEL, { sender: contents, senderFrame: { url: 'app://tracelight/frame.html' } }, request);
    ipcMain.emit(RPC_CHANNEL, { sender: contents, senderFrame: null }, request);
    mainFrame.url = 'https://evil.example/';
    ipcMain.emit(RPC_CHANNEL, { sender: contents, senderFrame: mainFrame }, request);
    expect(received).toEqual([]);
  });

  it('sends on the channel, drops messages once the window is gone, and answers for unclonable values', () => {
    const { contents, sent } = makeContents();
    const transport = createIpcTransport(contents as never, isTrusted);
    transport.send({ type: 'event', name: 'sourceRemoved', payload: { sourceId: 's' } });
    expect(sent).toEqual([{ channel: RPC_CHANNEL, message: { type: 'event', name: 'sourceRemoved', payload: { sourceId: 's' } } }]);

    contents.send.mockImplementationOnce(() => {
      throw new Error('An object could not be cloned.');
    });
    transport.send({ type: 'response', id: 3, ok: true, value: () => 1 });
    expect(sent[1]).toEqual({
      channel: RPC_CHANNEL,
      message: { type: 'response', id: 3, ok: false, error: 'response could not be sent: An object could not be cloned.' },
    });

    contents.isDestroyed.mockReturnValue(true);
    transport.send({ type: 'event', name: 'sourceRemoved', payload: { sourceId: 's' } });
    expect(sent).toHaveLength(2);
  });
});
