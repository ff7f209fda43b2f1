/** The application menu: File (open file, open folder, recent, quit) plus the standard roles. */
import { Menu } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openFiles(): void;
  openFolder(): void;
  openRecent(path: string): void;
  clearRecent(): void;
}

/** Builds and installs the menu; call again when the recent list changes. */
export function installAppMenu(recentPaths: string[], actions: MenuActions): void {
  const isMac = process.platform === 'darwin';
  const recent: MenuItemConstructorOptions[] =
    recentPaths.length === 0
      ? [{ label: 'No Recent Files', enabled: false }]
      : [
          ...recentPaths.map((path): MenuItemConstructorOptions => ({ label: path, click: () => actions.openRecent(path) })),
          { type: 'separator' },
          { label: 'Clear Recent', click: () => actions.clearRecent() },
        ];
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open File…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFiles() },
        { label: 'Open Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.openFolder() },
        { label: 'Open Recent', submenu: recent },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
