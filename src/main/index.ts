/**
 * Electron main process: one window over the engine, and nothing the renderer could use to
 * reach beyond it. The renderer is sandboxed (contextIsolation, sandbox, no Node), served from
 * the app:// scheme under a strict CSP, cannot navigate, open windows or make any network
 * request, and talks to the engine only through the contract over one IPC channel.
 *
 * better-sqlite3 is a native addon built for one ABI: the npm install builds it for Node, and
 * Electron needs its own build (`npx @electron/rebuild -f -w better-sqlite3`, which needs
 * Electron's headers). The engine loads it as usual; when the build does not match, the app
 * explains this in a dialog instead of failing silently.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, protocol, session } from 'electron';
import type { OpenDialogOptions, Session } from 'electron';
import { TraceService } from '../core/trace-service';
import { resolveStaticFile } from '../server/static-files';
import { serveApi } from '../shared/rpc/serve-api';
import { installAppMenu } from './app-menu';
import { createIpcTransport } from './ipc-transport';
import { addRecentPath, readRecentPaths, writeRecentPaths } from './recent-paths';
import { DEMO_FILE_NAMES } from '../shared/demo-files';

const APP_SCHEME = 'app';
const APP_ORIGIN = `${APP_SCHEME}://tracelight`;
const RENDERER_DIR = join(__dirname, '../renderer');
const PRELOAD_PATH = join(__dirname, '../preload/index.js');
const DEMO_DIR = app.isPackaged ? join(process.resourcesPath, 'demo') : join(__dirname, '../../resources/demo');
/** `electron-vite dev` serves the renderer from a local dev server; never in a packaged app. */
const DEV_RENDERER_URL = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const DEV_ORIGIN = DEV_RENDERER_URL ? new URL(DEV_RENDERER_URL).origin : null;

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

let service: TraceService | null = null;
let mainWindow: BrowserWindow | null = null;
/** Paths asked for before the engine exists (argv, macOS open-file). */
const pendingPaths: string[] = [];
let recentFile = '';
let recentPaths: string[] = [];

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  pendingPaths.push(...readPathsFromArgv(process.argv, process.cwd()));
  app.on('second-instance', (_event, argv, workingDirectory) => {
    void openPaths(readPathsFromArgv(argv, workingDirectory));
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    void openPaths([path]);
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    if (!service) return;
    event.preventDefault();
    const closing = service;
    service = null;
    closing
      .close()
      .catch(() => undefined)
      .finally(() => app.quit());
  });
  app.whenReady().then(start, (error: unknown) => {
    dialog.showErrorBox('Tracelight could not start', String(error));
    app.exit(1);
  });
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, serveRendererFile);
  recentFile = join(app.getPath('userData'), 'recent-paths.json');
  recentPaths = readRecentPaths(recentFile);
  refreshMenu();
  try {
    service = new TraceService();
  } catch (error) {
    showEngineError(error);
    app.exit(1);
    return;
  }
  // The index workers load while the window does.
  void service.startIndexWorkers().catch(() => undefined);
  mainWindow = createMainWindow(service);
  const fromUser = pendingPaths.splice(0);
  if (fromUser.length > 0) await openPaths(fromUser);
  else await openPaths(findDemoPaths(), { isRemembered: false });
}

function createMainWindow(engine: TraceService): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Tracelight',
    webPreferences: {
      preload: PRELOAD_PATH,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      // A file dropped where the page does not handle drops becomes a file:// navigation,
      // which will-navigate below cancels and turns into "open this path".
      navigateOnDragDrop: true,
    },
  });
  const stopServing = serveApi(engine, engine, createIpcTransport(win.webContents, isTrustedPageUrl));
  win.webContents.on('will-navigate', (event) => {
    event.preventDefault();
    if (event.url.startsWith('file:')) void openPaths([fileURLToPath(event.url)]);
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    stopServing();
    mainWindow = null;
  });
  void win.loadURL(DEV_RENDERER_URL ?? `${APP_ORIGIN}/index.html`);
  return win;
}

/** No permissions, no requests outside our own page, and the CSP on every response. */
function hardenSession(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
  ses.setPermissionCheckHandler((_contents, permission) => permission === 'clipboard-sanitized-write');
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequestUrl(details.url) }));
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (DEV_ORIGIN !== null && details.url.startsWith(DEV_ORIGIN)) return callback({});
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
}

function isAllowedRequestUrl(url: string): boolean {
  if (url.startsWith(`${APP_ORIGIN}/`) || url.startsWith('devtools:') || url.startsWith('data:') || url.startsWith('blob:')) return true;
  if (DEV_ORIGIN === null) return false;
  const devSocketOrigin = DEV_ORIGIN.replace(/^http/, 'ws');
  return url.startsWith(`${DEV_ORIGIN}/`) || url.startsWith(`${devSocketOrigin}/`);
}

function isTrustedPageUrl(url: string): boolean {
  return url.startsWith(`${APP_ORIGIN}/`) || (DEV_ORIGIN !== null && url.startsWith(`${DEV_ORIGIN}/`));
}

/** app://tracelight/<path>: files of the built renderer only. */
async function serveRendererFile(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.host !== 'tracelight' || (request.method !== 'GET' && request.method !== 'HEAD')) {
    return new Response('Not found', { status: 404 });
  }
  const lookup = await resolveStaticFile(RENDERER_DIR, url.pathname);
  if (!lookup.ok) return new Response(lookup.status === 404 ? 'Not found' : 'Bad request', { status: lookup.status });
  const body = await readFile(lookup.file.filePath);
  return new Response(new Uint8Array(body), {
    headers: {
      'Content-Type': lookup.file.contentType,
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

/** Opens paths in the engine; failures are shown, successes remembered in Open Recent. */
async function openPaths(paths: string[], options: { isRemembered?: boolean } = {}): Promise<void> {
  if (service === null) {
    pendingPaths.push(...paths);
    return;
  }
  for (const path of paths) {
    let opened;
    try {
      opened = await service.openPath({ path });
    } catch (error) {
      showEngineError(error);
      continue;
    }
    if (!opened.ok) {
      void showMessage({ type: 'warning', message: `Cannot open ${path}`, detail: opened.error });
      continue;
    }
    if (options.isRemembered !== false) rememberPath(path);
  }
}

async function chooseAndOpen(kind: 'files' | 'folder'): Promise<void> {
  const options: OpenDialogOptions =
    kind === 'files'
      ? {
          title: 'Open Trace Files',
          properties: ['openFile', 'multiSelections'],
          filters: [
            { name: 'Traces and run databases', extensions: ['jsonl', 'ndjson', 'json', 'log', 'txt', 'csv', 'db', 'sqlite', 'sqlite3', 'proto', 'pb', 'bin', 'zst'] },
            { name: 'All Files', extensions: ['*'] },
          ],
        }
      : { title: 'Open Folder', properties: ['openDirectory'] };
  const chosen = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  if (!chosen.canceled) await openPaths(chosen.filePaths);
}

function rememberPath(path: string): void {
  app.addRecentDocument(path);
  recentPaths = addRecentPath(recentPaths, path);
  refreshMenu();
  void writeRecentPaths(recentFile, recentPaths).catch(() => undefined);
}

function refreshMenu(): void {
  installAppMenu(recentPaths, {
    openFiles: () => void chooseAndOpen('files'),
    openFolder: () => void chooseAndOpen('folder'),
    openRecent: (path) => void openPaths([path]),
    clearRecent: () => {
      app.clearRecentDocuments();
      recentPaths = [];
      refreshMenu();
      void writeRecentPaths(recentFile, recentPaths).catch(() => undefined);
    },
  });
}

function showMessage(options: Electron.MessageBoxOptions): Promise<unknown> {
  return mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options);
}

/** A thrown engine error is a bug, except the one we expect in Electron: a Node-only native build. */
function showEngineError(error: unknown): void {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (/NODE_MODULE_VERSION|compiled against a different Node\.js version|better_sqlite3\.node/.test(text)) {
    dialog.showErrorBox(
      'The index database module is built for Node, not Electron',
      'Tracelight keeps its index with better-sqlite3, a native module built for one runtime. Rebuild it for ' +
        'Electron with `npx @electron/rebuild -f -w better-sqlite3` (restore the Node build for the CLI and ' +
        `tests with \`npm rebuild better-sqlite3\`), or use \`tracelight serve\`.\n\n${text}`,
    );
    return;
  }
  dialog.showErrorBox('Tracelight hit an internal error', text);
}

/** Paths on a command line: after the executable (and the script, when run as `electron script`), minus switches. */
function readPathsFromArgv(argv: string[], cwd: string): string[] {
  return argv
    .slice(process.defaultApp ? 2 : 1)
    .filter((arg) => arg !== '' && !arg.startsWith('-'))
    .map((arg) => (isAbsolute(arg) ? arg : resolve(cwd, arg)));
}

function findDemoPaths(): string[] {
  return DEMO_FILE_NAMES.map((name) => join(DEMO_DIR, name)).filter((p) => existsSync(p));
}
