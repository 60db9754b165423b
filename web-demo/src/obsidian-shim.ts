// obsidian-shim.ts - the slice of Obsidian's API that plugin/ uses, for the web demo.
//
// web-demo/build.mjs aliases the module name "obsidian" to this file, so the
// plugin's source is bundled unchanged. Only what the plugin calls exists here,
// with Obsidian's names and signatures; the demo's own UI (file tree, editor,
// sidebars) lives in main.ts and talks to these objects through the few
// `host*` members, which the plugin never sees in Obsidian's typings.
//
// Obsidian also extends DOM prototypes (createEl, empty, setText, ...); they
// are installed at the bottom of this file.

// ---------------------------------------------------------------------------
// Events and components

export interface EventRef {
  readonly events: Events;
  readonly name: string;
  readonly callback: (...args: never[]) => unknown;
}

export class Events {
  private readonly handlers = new Map<string, EventRef[]>();

  on(name: string, callback: (...args: never[]) => unknown): EventRef {
    const ref: EventRef = { events: this, name, callback };
    const list = this.handlers.get(name) ?? [];
    list.push(ref);
    this.handlers.set(name, list);
    return ref;
  }

  offref(ref: EventRef): void {
    const list = this.handlers.get(ref.name);
    if (list === undefined) return;
    const i = list.indexOf(ref);
    if (i >= 0) list.splice(i, 1);
  }

  trigger(name: string, ...data: unknown[]): void {
    // Copy: a handler may unregister itself while we iterate.
    for (const ref of [...(this.handlers.get(name) ?? [])]) {
      try {
        (ref.callback as (...args: unknown[]) => unknown)(...data);
      } catch (err) {
        console.error(`Error in '${name}' handler:`, err);
      }
    }
  }
}

export class Component {
  private readonly cleanups: Array<() => void> = [];
  private loaded = false;

  /** Settles when onload() has finished; Obsidian waits for it the same way. */
  hostLoading: Promise<void> = Promise.resolve();

  load(): void {
    if (this.loaded) return;
    this.loaded = true;
    this.hostLoading = Promise.resolve()
      .then(() => this.onload())
      .catch((err: unknown) => console.error("Error while loading a component:", err));
  }

  onload(): void | Promise<void> {}

  unload(): void {
    if (!this.loaded) return;
    this.loaded = false;
    while (this.cleanups.length > 0) this.cleanups.pop()?.();
    this.onunload();
  }

  onunload(): void {}

  register(cb: () => unknown): void {
    this.cleanups.push(() => void cb());
  }

  registerEvent(ref: EventRef): void {
    this.register(() => ref.events.offref(ref));
  }

  registerDomEvent<K extends keyof HTMLElementEventMap>(
    el: HTMLElement,
    type: K,
    callback: (this: HTMLElement, ev: HTMLElementEventMap[K]) => unknown,
  ): void {
    el.addEventListener(type, callback);
    this.register(() => el.removeEventListener(type, callback));
  }

  registerInterval(id: number): number {
    this.register(() => window.clearInterval(id));
    return id;
  }
}

// ---------------------------------------------------------------------------
// Files and the vault

export interface FileStats {
  ctime: number;
  mtime: number;
  size: number;
}

export abstract class TAbstractFile {
  vault: Vault;
  path: string;
  name: string;

  constructor(vault: Vault, path: string) {
    this.vault = vault;
    this.path = path;
    this.name = path.slice(path.lastIndexOf("/") + 1);
  }
}

export class TFile extends TAbstractFile {
  stat: FileStats;
  basename: string;
  extension: string;

  constructor(vault: Vault, path: string, stat: FileStats) {
    super(vault, path);
    this.stat = stat;
    const dot = this.name.lastIndexOf(".");
    this.basename = dot > 0 ? this.name.slice(0, dot) : this.name;
    this.extension = dot > 0 ? this.name.slice(dot + 1) : "";
  }

  /** Keeps name/basename/extension in step with `path` after a rename. */
  hostSetPath(path: string): void {
    this.path = path;
    this.name = path.slice(path.lastIndexOf("/") + 1);
    const dot = this.name.lastIndexOf(".");
    this.basename = dot > 0 ? this.name.slice(0, dot) : this.name;
    this.extension = dot > 0 ? this.name.slice(dot + 1) : "";
  }
}

const encoder = new TextEncoder();

/** Obsidian's path normaliser, for the cases plugins hit: slashes collapsed, no leading or trailing one. */
export function normalizePath(path: string): string {
  return path.replace(/[\\/]+/g, "/").replace(/^\/|\/$/g, "").normalize("NFC") || "/";
}

/** The part of Obsidian's DataAdapter the plugin uses: files outside the vault's notes (plugin data). */
export interface DataAdapter {
  exists(normalizedPath: string, sensitive?: boolean): Promise<boolean>;
  readBinary(normalizedPath: string): Promise<ArrayBuffer>;
  writeBinary(normalizedPath: string, data: ArrayBuffer): Promise<void>;
  remove(normalizedPath: string): Promise<void>;
}

/**
 * The demo's notes live in memory, but what the plugin stores in its folder
 * (the index snapshot) is kept in IndexedDB, so a reload of the page starts
 * warm as Obsidian does. Without IndexedDB (a private window) it keeps the
 * files for this page only.
 */
export class IndexedDbAdapter implements DataAdapter {
  private db: Promise<IDBDatabase | null>;
  private readonly memory = new Map<string, ArrayBuffer>();

  constructor(name: string) {
    this.db = new Promise((resolve) => {
      try {
        const open = indexedDB.open(name, 1);
        open.onupgradeneeded = () => open.result.createObjectStore("files");
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => resolve(null);
      } catch {
        resolve(null);
      }
    });
  }

  private async run<T>(mode: IDBTransactionMode, op: (store: IDBObjectStore) => IDBRequest<T>): Promise<T | undefined> {
    const db = await this.db;
    if (db === null) return undefined;
    return new Promise((resolve, reject) => {
      const request = op(db.transaction("files", mode).objectStore("files"));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error ?? new Error("IndexedDB request failed"));
    });
  }

  async exists(path: string): Promise<boolean> {
    if ((await this.db) === null) return this.memory.has(path);
    return (await this.run("readonly", (s) => s.count(path))) === 1;
  }

  async readBinary(path: string): Promise<ArrayBuffer> {
    const data = (await this.db) === null ? this.memory.get(path) : await this.run("readonly", (s) => s.get(path));
    if (!(data instanceof ArrayBuffer)) throw new Error(`ENOENT: no such file, open '${path}'`);
    return data;
  }

  async writeBinary(path: string, data: ArrayBuffer): Promise<void> {
    if ((await this.db) === null) this.memory.set(path, data);
    else await this.run("readwrite", (s) => s.put(data, path));
  }

  async remove(path: string): Promise<void> {
    if ((await this.db) === null) this.memory.delete(path);
    else await this.run("readwrite", (s) => s.delete(path));
  }
}

/** An in-memory vault: path -> text. Events match Obsidian's names and arguments. */
export class Vault extends Events {
  private readonly files = new Map<string, TFile>();
  private readonly texts = new Map<string, string>();
  readonly configDir = ".obsidian";
  readonly adapter: DataAdapter = new IndexedDbAdapter("vaultcrm-demo");

  getName(): string {
    return "sample-vault";
  }

  getFiles(): TFile[] {
    return [...this.files.values()];
  }

  getMarkdownFiles(): TFile[] {
    return this.getFiles().filter((f) => f.extension === "md");
  }

  getAbstractFileByPath(path: string): TAbstractFile | null {
    return this.files.get(path) ?? null;
  }

  getFileByPath(path: string): TFile | null {
    return this.files.get(path) ?? null;
  }

  async read(file: TFile): Promise<string> {
    return this.text(file);
  }

  async cachedRead(file: TFile): Promise<string> {
    return this.text(file);
  }

  async modify(file: TFile, data: string): Promise<void> {
    this.text(file); // throws if the file is gone
    this.texts.set(file.path, data);
    file.stat = { ...file.stat, mtime: Date.now(), size: encoder.encode(data).length };
    this.trigger("modify", file);
  }

  async create(path: string, data: string): Promise<TFile> {
    if (this.files.has(path)) throw new Error(`File already exists: ${path}`);
    const file = this.hostAdd(path, data, Date.now());
    this.trigger("create", file);
    return file;
  }

  async delete(file: TAbstractFile): Promise<void> {
    if (!this.files.delete(file.path)) throw new Error(`No such file: ${file.path}`);
    this.texts.delete(file.path);
    this.trigger("delete", file);
  }

  async rename(file: TAbstractFile, newPath: string): Promise<void> {
    if (!(file instanceof TFile) || !this.files.has(file.path)) throw new Error(`No such file: ${file.path}`);
    if (this.files.has(newPath)) throw new Error(`File already exists: ${newPath}`);
    const oldPath = file.path;
    const text = this.texts.get(oldPath) ?? "";
    this.files.delete(oldPath);
    this.texts.delete(oldPath);
    file.hostSetPath(newPath);
    this.files.set(newPath, file);
    this.texts.set(newPath, text);
    this.trigger("rename", file, oldPath);
  }

  /** Loads a file without firing 'create' (the vault as found at start-up). */
  hostAdd(path: string, text: string, mtime: number): TFile {
    const file = new TFile(this, path, { ctime: mtime, mtime, size: encoder.encode(text).length });
    this.files.set(path, file);
    this.texts.set(path, text);
    return file;
  }

  /** Resolves a link the way Obsidian does for the cases the demo needs: exact path, path without .md, then basename. */
  hostResolve(linktext: string): TFile | null {
    const target = linktext.split("#")[0]?.split("|")[0]?.trim() ?? "";
    if (target === "") return null;
    const exact = this.files.get(target) ?? this.files.get(`${target}.md`);
    if (exact !== undefined) return exact;
    const lower = target.toLowerCase();
    for (const f of this.files.values()) {
      if (f.basename.toLowerCase() === lower || f.path.toLowerCase() === `${lower}.md`) return f;
    }
    return null;
  }

  private text(file: TFile): string {
    const text = this.texts.get(file.path);
    if (text === undefined) throw new Error(`No such file: ${file.path}`);
    return text;
  }
}

// ---------------------------------------------------------------------------
// Views and the workspace

export interface ViewState {
  type: string;
  state?: Record<string, unknown>;
  active?: boolean;
}

export interface OpenViewState {
  state?: Record<string, unknown>;
  eState?: Record<string, unknown>;
  active?: boolean;
}

export type PaneType = "tab" | "split" | "window";
export type ViewCreator = (leaf: WorkspaceLeaf) => View;

export abstract class View extends Component {
  app: App;
  leaf: WorkspaceLeaf;
  containerEl: HTMLElement;
  icon = "";
  navigation = false;

  constructor(leaf: WorkspaceLeaf) {
    super();
    this.leaf = leaf;
    this.app = leaf.app;
    this.containerEl = leaf.containerEl.createDiv({ cls: "view-container" });
  }

  abstract getViewType(): string;
  abstract getDisplayText(): string;

  getIcon(): string {
    return this.icon;
  }

  protected async onOpen(): Promise<void> {}
  protected async onClose(): Promise<void> {}

  /** Called by WorkspaceLeaf; Obsidian does the same through its own internals. */
  async hostOpen(): Promise<void> {
    this.load();
    await this.hostLoading;
    await this.onOpen();
  }

  async hostClose(): Promise<void> {
    await this.onClose();
    this.unload();
  }
}

export abstract class ItemView extends View {
  contentEl: HTMLElement;

  constructor(leaf: WorkspaceLeaf) {
    super(leaf);
    this.containerEl.addClass("workspace-leaf-content");
    this.containerEl.createDiv({ cls: "view-header" }).createDiv({ cls: "view-header-title" });
    this.contentEl = this.containerEl.createDiv({ cls: "view-content" });
  }
}

/** A sidebar slot. The demo has one side (right); each leaf is a tab in it. */
export class WorkspaceLeaf extends Events {
  app: App;
  view: View;
  containerEl: HTMLElement;

  constructor(app: App, parentEl: HTMLElement) {
    super();
    this.app = app;
    this.containerEl = parentEl.createDiv({ cls: "workspace-leaf" });
    this.view = new EmptyView(this);
  }

  getViewState(): ViewState {
    return { type: this.view.getViewType() };
  }

  /** The demo never defers views (Obsidian does for sidebars not yet shown). */
  get isDeferred(): boolean {
    return false;
  }

  async loadIfDeferred(): Promise<void> {}

  async setViewState(viewState: ViewState): Promise<void> {
    const creator = this.app.hostViewRegistry.get(viewState.type);
    if (creator === undefined) throw new Error(`Unknown view type: ${viewState.type}`);
    await this.view.hostClose();
    this.containerEl.empty();
    this.view = creator(this);
    await this.view.hostOpen();
    const title = this.containerEl.querySelector(".view-header-title");
    if (title !== null) title.textContent = this.view.getDisplayText();
    this.app.workspace.trigger("layout-change");
    if (viewState.active === true) this.app.workspace.revealLeaf(this);
  }

  detach(): void {
    void this.view.hostClose();
    this.containerEl.remove();
    this.app.workspace.hostRemoveLeaf(this);
  }
}

class EmptyView extends View {
  getViewType(): string {
    return "empty";
  }
  getDisplayText(): string {
    return "";
  }
}

/** What the host (the demo page) does when the workspace opens a file. */
export type HostFileOpener = (file: TFile, eState: Record<string, unknown> | undefined) => void;

export class Workspace extends Events {
  layoutReady = false;

  private readonly app: App;
  private readonly rightEl: HTMLElement;
  private readonly leaves: WorkspaceLeaf[] = [];
  private activeFile: TFile | null = null;
  private readonly layoutReadyCallbacks: Array<() => unknown> = [];

  /** Set by the host: shows a file in its editor. */
  hostOpenFile: HostFileOpener = () => undefined;

  constructor(app: App, rightEl: HTMLElement) {
    super();
    this.app = app;
    this.rightEl = rightEl;
  }

  onLayoutReady(callback: () => unknown): void {
    if (this.layoutReady) queueMicrotask(() => void callback());
    else this.layoutReadyCallbacks.push(callback);
  }

  /** Called by the host once its panes exist. */
  hostLayoutReady(): void {
    this.layoutReady = true;
    for (const cb of this.layoutReadyCallbacks.splice(0)) {
      try {
        void cb();
      } catch (err) {
        console.error("Error in onLayoutReady callback:", err);
      }
    }
  }

  getActiveFile(): TFile | null {
    return this.activeFile;
  }

  getRightLeaf(_split: boolean): WorkspaceLeaf | null {
    const leaf = new WorkspaceLeaf(this.app, this.rightEl);
    this.leaves.push(leaf);
    return leaf;
  }

  async ensureSideLeaf(
    type: string,
    _side: "left" | "right",
    options?: { active?: boolean; reveal?: boolean; state?: Record<string, unknown> },
  ): Promise<WorkspaceLeaf> {
    const existing = this.getLeavesOfType(type)[0];
    if (existing !== undefined) {
      if (options?.reveal === true) await this.revealLeaf(existing);
      return existing;
    }
    const leaf = this.getRightLeaf(false);
    if (leaf === null) throw new Error("No side leaf");
    await leaf.setViewState({ type, active: options?.active, state: options?.state });
    if (options?.reveal === true) await this.revealLeaf(leaf);
    return leaf;
  }

  getLeavesOfType(viewType: string): WorkspaceLeaf[] {
    return this.leaves.filter((leaf) => leaf.view.getViewType() === viewType);
  }

  detachLeavesOfType(viewType: string): void {
    for (const leaf of this.getLeavesOfType(viewType)) leaf.detach();
  }

  async revealLeaf(leaf: WorkspaceLeaf): Promise<void> {
    for (const other of this.leaves) other.containerEl.toggleClass("is-hidden", other !== leaf);
    this.rightEl.removeClass("is-collapsed");
  }

  async openLinkText(
    linktext: string,
    _sourcePath: string,
    _newLeaf?: PaneType | boolean,
    openViewState?: OpenViewState,
  ): Promise<void> {
    const file = this.app.vault.hostResolve(linktext);
    if (file === null) {
      new Notice(`No note named "${linktext}" in the demo vault.`);
      return;
    }
    this.hostSetActiveFile(file, openViewState?.eState);
  }

  /** Makes `file` the active file: the host shows it, then listeners hear about it. */
  hostSetActiveFile(file: TFile, eState?: Record<string, unknown>): void {
    const changed = this.activeFile !== file;
    this.activeFile = file;
    this.hostOpenFile(file, eState);
    if (changed) {
      this.trigger("file-open", file);
      this.trigger("active-leaf-change", null);
    }
  }

  hostRemoveLeaf(leaf: WorkspaceLeaf): void {
    const i = this.leaves.indexOf(leaf);
    if (i >= 0) this.leaves.splice(i, 1);
    this.trigger("layout-change");
  }
}

// ---------------------------------------------------------------------------
// App, plugins, commands, settings

export interface Command {
  id: string;
  name: string;
  callback?: () => unknown;
}

export interface PluginManifest {
  id: string;
  name: string;
  version: string;
  minAppVersion: string;
  description: string;
  author: string;
  isDesktopOnly?: boolean;
  /** The plugin's folder inside the vault (Obsidian sets it for installed plugins). */
  dir?: string;
}

/** What a code block processor learns about where its block is. */
export interface MarkdownPostProcessorContext {
  docId: string;
  sourcePath: string;
  frontmatter: unknown;
  addChild(child: Component): void;
  getSectionInfo(el: HTMLElement): { text: string; lineStart: number; lineEnd: number } | null;
}

export type CodeBlockProcessor = (
  source: string,
  el: HTMLElement,
  ctx: MarkdownPostProcessorContext,
) => Promise<unknown> | void;

export class App {
  vault: Vault;
  workspace: Workspace;

  /** Code block processors by fence language; the demo's editor renders blocks with them. */
  readonly hostCodeBlockProcessors = new Map<string, CodeBlockProcessor>();
  readonly hostViewRegistry = new Map<string, ViewCreator>();
  readonly hostCommands: Command[] = [];
  readonly hostSettingTabs: PluginSettingTab[] = [];

  constructor(rightEl: HTMLElement) {
    this.vault = new Vault();
    this.workspace = new Workspace(this, rightEl);
  }
}

export abstract class Plugin extends Component {
  app: App;
  manifest: PluginManifest;

  constructor(app: App, manifest: PluginManifest) {
    super();
    this.app = app;
    this.manifest = manifest;
  }

  addCommand(command: Command): Command {
    const full = { ...command, id: `${this.manifest.id}:${command.id}` };
    this.app.hostCommands.push(full);
    this.register(() => {
      const i = this.app.hostCommands.indexOf(full);
      if (i >= 0) this.app.hostCommands.splice(i, 1);
    });
    return full;
  }

  registerMarkdownCodeBlockProcessor(language: string, handler: CodeBlockProcessor, _sortOrder?: number): void {
    this.app.hostCodeBlockProcessors.set(language, handler);
    this.app.workspace.trigger("vaultcrm-shim:code-processors");
    this.register(() => {
      if (this.app.hostCodeBlockProcessors.get(language) === handler) this.app.hostCodeBlockProcessors.delete(language);
    });
  }

  addSettingTab(tab: PluginSettingTab): void {
    this.app.hostSettingTabs.push(tab);
  }

  registerView(type: string, viewCreator: ViewCreator): void {
    this.app.hostViewRegistry.set(type, viewCreator);
    this.register(() => {
      this.app.workspace.detachLeavesOfType(type);
      this.app.hostViewRegistry.delete(type);
    });
  }

  private storageKey(): string {
    return `obsidian-shim:plugin-data:${this.manifest.id}`;
  }

  async loadData(): Promise<unknown> {
    try {
      const raw = window.localStorage.getItem(this.storageKey());
      return raw === null ? null : (JSON.parse(raw) as unknown);
    } catch {
      return null; // storage disabled or corrupt: start from defaults
    }
  }

  async saveData(data: unknown): Promise<void> {
    try {
      window.localStorage.setItem(this.storageKey(), JSON.stringify(data));
    } catch {
      // Storage may be unavailable (private mode); the demo keeps working.
    }
  }
}

/** A dialog over the page, like Obsidian's: titleEl, contentEl, open(), close(), Escape closes. */
export class Modal {
  app: App;
  containerEl: HTMLElement;
  modalEl: HTMLElement;
  titleEl: HTMLElement;
  contentEl: HTMLElement;
  private readonly onKey = (e: KeyboardEvent) => {
    if (e.key !== "Escape") return;
    e.preventDefault();
    this.close();
  };

  constructor(app: App) {
    this.app = app;
    this.containerEl = document.createElement("div");
    this.containerEl.addClass("modal-container");
    this.modalEl = this.containerEl.createDiv({ cls: "modal", attr: { role: "dialog" } });
    const close = this.modalEl.createEl("button", { cls: "modal-close-button", text: "×", attr: { "aria-label": "Close" } });
    close.addEventListener("click", () => this.close());
    this.titleEl = this.modalEl.createDiv({ cls: "modal-title" });
    this.contentEl = this.modalEl.createDiv({ cls: "modal-content" });
    this.containerEl.addEventListener("mousedown", (e) => {
      if (e.target === this.containerEl) this.close();
    });
  }

  open(): void {
    document.body.appendChild(this.containerEl);
    document.addEventListener("keydown", this.onKey, true);
    this.onOpen();
  }

  close(): void {
    if (!this.containerEl.isConnected) return;
    document.removeEventListener("keydown", this.onKey, true);
    this.containerEl.remove();
    this.onClose();
  }

  onOpen(): void {}
  onClose(): void {}
}

export abstract class PluginSettingTab {
  app: App;
  containerEl: HTMLElement;

  constructor(app: App, _plugin: Plugin) {
    this.app = app;
    this.containerEl = document.createElement("div");
    this.containerEl.addClass("vertical-tab-content");
  }

  abstract display(): void;

  hide(): void {
    this.containerEl.empty();
  }
}

abstract class ValueComponent<T> {
  private changeHandler: ((value: T) => unknown) | null = null;

  protected emit(value: T): void {
    void this.changeHandler?.(value);
  }

  onChange(callback: (value: T) => unknown): this {
    this.changeHandler = callback;
    return this;
  }

  abstract getValue(): T;
  abstract setValue(value: T): this;
}

export class TextComponent extends ValueComponent<string> {
  inputEl: HTMLInputElement;

  constructor(containerEl: HTMLElement) {
    super();
    this.inputEl = containerEl.createEl("input", { type: "text" });
    this.inputEl.addEventListener("input", () => this.emit(this.inputEl.value));
  }

  getValue(): string {
    return this.inputEl.value;
  }

  setValue(value: string): this {
    this.inputEl.value = value;
    return this;
  }

  setPlaceholder(placeholder: string): this {
    this.inputEl.placeholder = placeholder;
    return this;
  }
}

export class ToggleComponent extends ValueComponent<boolean> {
  toggleEl: HTMLInputElement;

  constructor(containerEl: HTMLElement) {
    super();
    this.toggleEl = containerEl.createEl("input", { type: "checkbox", cls: "checkbox-container" });
    this.toggleEl.addEventListener("change", () => this.emit(this.toggleEl.checked));
  }

  getValue(): boolean {
    return this.toggleEl.checked;
  }

  setValue(on: boolean): this {
    this.toggleEl.checked = on;
    return this;
  }
}

export class Setting {
  settingEl: HTMLElement;
  infoEl: HTMLElement;
  nameEl: HTMLElement;
  descEl: HTMLElement;
  controlEl: HTMLElement;

  constructor(containerEl: HTMLElement) {
    this.settingEl = containerEl.createDiv({ cls: "setting-item" });
    this.infoEl = this.settingEl.createDiv({ cls: "setting-item-info" });
    this.nameEl = this.infoEl.createDiv({ cls: "setting-item-name" });
    this.descEl = this.infoEl.createDiv({ cls: "setting-item-description" });
    this.controlEl = this.settingEl.createDiv({ cls: "setting-item-control" });
  }

  setName(name: string): this {
    this.nameEl.setText(name);
    return this;
  }

  setDesc(desc: string): this {
    this.descEl.setText(desc);
    return this;
  }

  setHeading(): this {
    this.settingEl.addClass("setting-item-heading");
    return this;
  }

  addText(cb: (component: TextComponent) => unknown): this {
    cb(new TextComponent(this.controlEl));
    return this;
  }

  addToggle(cb: (component: ToggleComponent) => unknown): this {
    cb(new ToggleComponent(this.controlEl));
    return this;
  }
}

// ---------------------------------------------------------------------------
// Small helpers

export class Notice {
  noticeEl: HTMLElement;

  constructor(message: string, duration = 4000) {
    let container = document.querySelector<HTMLElement>(".notice-container");
    if (container === null) container = document.body.createDiv({ cls: "notice-container" });
    this.noticeEl = container.createDiv({ cls: "notice", text: message });
    if (duration > 0) window.setTimeout(() => this.hide(), duration);
  }

  hide(): void {
    this.noticeEl.remove();
  }
}

export class Keymap {
  /** Ctrl (Cmd on macOS) asks for a new tab, as in Obsidian. */
  static isModEvent(evt?: UIEvent | null): PaneType | boolean {
    if (evt === null || evt === undefined) return false;
    const e = evt as MouseEvent | KeyboardEvent;
    return e.ctrlKey || e.metaKey ? "tab" : false;
  }
}

// ---------------------------------------------------------------------------
// DOM helpers Obsidian installs on every node

export interface DomElementInfo {
  cls?: string | string[];
  text?: string | DocumentFragment;
  attr?: { [key: string]: string | number | boolean | null };
  title?: string;
  parent?: Node;
  value?: string;
  type?: string;
  prepend?: boolean;
  placeholder?: string;
  href?: string;
}

declare global {
  interface Node {
    empty(): void;
    createEl<K extends keyof HTMLElementTagNameMap>(
      tag: K,
      o?: DomElementInfo | string,
      callback?: (el: HTMLElementTagNameMap[K]) => void,
    ): HTMLElementTagNameMap[K];
    createDiv(o?: DomElementInfo | string, callback?: (el: HTMLDivElement) => void): HTMLDivElement;
    createSpan(o?: DomElementInfo | string, callback?: (el: HTMLSpanElement) => void): HTMLSpanElement;
    appendText(val: string): void;
  }
  interface Element {
    setText(val: string | DocumentFragment): void;
    addClass(...classes: string[]): void;
    removeClass(...classes: string[]): void;
    toggleClass(classes: string | string[], value: boolean): void;
    hasClass(cls: string): boolean;
    setAttr(qualifiedName: string, value: string | number | boolean | null): void;
  }
}

function classList(cls: string | string[]): string[] {
  return (Array.isArray(cls) ? cls : cls.split(" ")).filter((c) => c !== "");
}

function setAttr(el: Element, name: string, value: string | number | boolean | null): void {
  if (value === null || value === false) el.removeAttribute(name);
  else el.setAttribute(name, value === true ? "" : String(value));
}

function createElement<K extends keyof HTMLElementTagNameMap>(
  parent: Node,
  tag: K,
  o: DomElementInfo | string | undefined,
  callback: ((el: HTMLElementTagNameMap[K]) => void) | undefined,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  const info: DomElementInfo = typeof o === "string" ? { cls: o } : (o ?? {});
  if (info.cls !== undefined) el.classList.add(...classList(info.cls));
  // Text always goes in as text: this is what keeps note content inert.
  if (info.text !== undefined) el.setText(info.text);
  if (info.attr !== undefined) for (const [k, v] of Object.entries(info.attr)) setAttr(el, k, v);
  if (info.title !== undefined) el.title = info.title;
  if (info.value !== undefined && "value" in el) (el as HTMLInputElement).value = info.value;
  if (info.type !== undefined) el.setAttribute("type", info.type);
  if (info.placeholder !== undefined) el.setAttribute("placeholder", info.placeholder);
  if (info.href !== undefined) el.setAttribute("href", info.href);
  const target = info.parent ?? parent;
  if (info.prepend === true) target.insertBefore(el, target.firstChild);
  else target.appendChild(el);
  callback?.(el);
  return el;
}

function install(): void {
  const node = Node.prototype;
  const element = Element.prototype;
  node.empty = function (this: Node): void {
    while (this.firstChild !== null) this.removeChild(this.firstChild);
  };
  node.createEl = function <K extends keyof HTMLElementTagNameMap>(
    this: Node,
    tag: K,
    o?: DomElementInfo | string,
    callback?: (el: HTMLElementTagNameMap[K]) => void,
  ): HTMLElementTagNameMap[K] {
    return createElement(this, tag, o, callback);
  };
  node.createDiv = function (this: Node, o?: DomElementInfo | string, cb?: (el: HTMLDivElement) => void) {
    return createElement(this, "div", o, cb);
  };
  node.createSpan = function (this: Node, o?: DomElementInfo | string, cb?: (el: HTMLSpanElement) => void) {
    return createElement(this, "span", o, cb);
  };
  node.appendText = function (this: Node, val: string): void {
    this.appendChild(document.createTextNode(val));
  };
  element.setText = function (this: Element, val: string | DocumentFragment): void {
    if (typeof val === "string") this.textContent = val;
    else {
      this.empty();
      this.appendChild(val);
    }
  };
  element.addClass = function (this: Element, ...classes: string[]): void {
    this.classList.add(...classes.flatMap(classList));
  };
  element.removeClass = function (this: Element, ...classes: string[]): void {
    this.classList.remove(...classes.flatMap(classList));
  };
  element.toggleClass = function (this: Element, classes: string | string[], value: boolean): void {
    for (const c of classList(classes)) this.classList.toggle(c, value);
  };
  element.hasClass = function (this: Element, cls: string): boolean {
    return this.classList.contains(cls);
  };
  element.setAttr = function (this: Element, name: string, value: string | number | boolean | null): void {
    setAttr(this, name, value);
  };
}

install();
