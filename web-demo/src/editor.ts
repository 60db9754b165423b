// editor.ts - the demo's centre pane: one CodeMirror 6 view over the open note.
//
// Each note keeps its own EditorState (undo history, selection) while the page
// lives. Typing is written back to the vault after a pause, which fires the
// vault's 'modify' event exactly as Obsidian does when it saves.
import { EditorSelection, EditorState, StateEffect, StateField, type Extension } from "@codemirror/state";
import {
  Decoration,
  type DecorationSet,
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { markdown } from "@codemirror/lang-markdown";
import { type CodeBlockHost, codeBlockWidgets, processorsChanged } from "./codeblocks";

const SAVE_DELAY_MS = 300;
const FLASH_MS = 1600;

// A short highlight on the line a panel item pointed at.
const flashLine = StateEffect.define<number | null>();
const flashField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(flashLine)) continue;
      deco =
        e.value === null
          ? Decoration.none
          : Decoration.set([Decoration.line({ class: "cm-flash-line" }).range(e.value)]);
    }
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

export class DemoEditor {
  private readonly view: EditorView;
  private readonly states = new Map<string, EditorState>();
  private readonly scrollTops = new Map<string, number>();
  private readonly extensions: Extension[];
  private path: string | null = null;
  private saveTimer: number | null = null;
  private flashTimer: number | null = null;

  /** `save(path, text)` is called after typing pauses, and on flush(). */
  constructor(
    parent: HTMLElement,
    private readonly save: (path: string, text: string) => void,
    blocks?: Pick<CodeBlockHost, "processor">,
  ) {
    this.extensions = [
      lineNumbers(),
      highlightActiveLineGutter(),
      history(),
      drawSelection(),
      highlightActiveLine(),
      EditorView.lineWrapping,
      markdown(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      keymap.of([...defaultKeymap, ...historyKeymap]),
      flashField,
      ...(blocks === undefined
        ? []
        : [codeBlockWidgets({ processor: (lang) => blocks.processor(lang), sourcePath: () => this.path ?? "" })]),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) this.scheduleSave();
      }),
    ];
    this.view = new EditorView({ parent, state: EditorState.create({ doc: "", extensions: this.extensions }) });
    this.view.contentDOM.setAttribute("aria-label", "Note editor");
  }

  /** The path of the note in the editor, or null. */
  get currentPath(): string | null {
    return this.path;
  }

  /**
   * Shows `text` as note `path`, then puts the cursor on 0-based `line` (the
   * `eState.line` convention of Obsidian's markdown view) if given.
   */
  open(path: string, text: string, line?: number): void {
    if (path !== this.path) {
      this.flush();
      if (this.path !== null) {
        this.states.set(this.path, this.view.state);
        this.scrollTops.set(this.path, this.view.scrollDOM.scrollTop);
      }
      const kept = this.states.get(path);
      this.path = path; // before the new state is built: its code blocks render for this note
      this.view.setState(
        kept !== undefined && kept.doc.toString() === text
          ? kept
          : EditorState.create({ doc: text, extensions: this.extensions }),
      );
      this.view.scrollDOM.scrollTop = this.scrollTops.get(path) ?? 0;
      this.path = path;
    } else if (this.view.state.doc.toString() !== text) {
      this.replaceText(text);
    }
    if (line !== undefined) this.goToLine(line);
  }

  /** Replaces the document after a change made outside the editor. */
  replaceText(text: string): void {
    if (this.view.state.doc.toString() === text) return;
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
    this.cancelSave();
  }

  /** Writes pending edits now (before switching notes). */
  flush(): void {
    if (this.saveTimer === null || this.path === null) return;
    this.cancelSave();
    this.save(this.path, this.view.state.doc.toString());
  }

  /** Re-renders code blocks after processors were registered (the plugin loads after the editor). */
  refreshBlocks(): void {
    this.view.dispatch({ effects: processorsChanged.of(null) });
  }

  focus(): void {
    this.view.focus();
  }

  private goToLine(line: number): void {
    const doc = this.view.state.doc;
    const n = Math.min(Math.max(1, Math.floor(line) + 1), doc.lines);
    const at = doc.line(n).from;
    this.view.dispatch({
      selection: EditorSelection.cursor(at),
      effects: [EditorView.scrollIntoView(at, { y: "center" }), flashLine.of(at)],
    });
    this.view.focus();
    if (this.flashTimer !== null) window.clearTimeout(this.flashTimer);
    this.flashTimer = window.setTimeout(() => {
      this.flashTimer = null;
      this.view.dispatch({ effects: flashLine.of(null) });
    }, FLASH_MS);
  }

  private scheduleSave(): void {
    this.cancelSave();
    this.saveTimer = window.setTimeout(() => {
      this.saveTimer = null;
      if (this.path !== null) this.save(this.path, this.view.state.doc.toString());
    }, SAVE_DELAY_MS);
  }

  private cancelSave(): void {
    if (this.saveTimer !== null) window.clearTimeout(this.saveTimer);
    this.saveTimer = null;
  }
}
