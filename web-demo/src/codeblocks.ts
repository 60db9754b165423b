// codeblocks.ts - Obsidian's live preview of fenced code blocks, for the demo.
//
// A StateField walks the Markdown syntax tree for FencedCode nodes whose
// language has a registered code block processor (the plugin registers them
// through the shim) and replaces each whole block with a widget that runs the
// processor, as Obsidian does. A block the cursor (or selection) touches is
// left as text so it can be edited. Block-replacing decorations must come from
// a StateField, not a view plugin.
import { type EditorState, type Extension, RangeSetBuilder, StateEffect, StateField } from "@codemirror/state";
import { Decoration, type DecorationSet, EditorView, WidgetType } from "@codemirror/view";
import { ensureSyntaxTree, syntaxTree } from "@codemirror/language";
import type { CodeBlockProcessor, Component, MarkdownPostProcessorContext } from "./obsidian-shim";

export interface CodeBlockHost {
  processor(lang: string): CodeBlockProcessor | undefined;
  /** The open note's path (a processor's ctx.sourcePath). */
  sourcePath(): string;
}

/** Dispatch this when processors were (un)registered: the field recomputes. */
export const processorsChanged = StateEffect.define<null>();

class CodeBlockWidget extends WidgetType {
  constructor(
    private readonly host: CodeBlockHost,
    readonly lang: string,
    readonly source: string,
    readonly path: string,
    readonly from: number,
  ) {
    super();
  }

  eq(other: CodeBlockWidget): boolean {
    return other.lang === this.lang && other.source === this.source && other.path === this.path;
  }

  toDOM(view: EditorView): HTMLElement {
    const wrap = document.createElement("div");
    wrap.className = `cm-vaultcrm-block block-language-${this.lang}`;
    wrap.setAttribute("data-lang", this.lang);
    const edit = wrap.createEl("button", {
      cls: "cm-vaultcrm-edit",
      text: "</>",
      attr: { "aria-label": "Edit this block", title: "Edit this block" },
    });
    edit.addEventListener("mousedown", (e) => {
      e.preventDefault();
      const pos = view.posAtDOM(wrap);
      view.dispatch({ selection: { anchor: Math.min(pos + 4 + this.lang.length, view.state.doc.length) } });
      view.focus();
    });
    const el = wrap.createDiv({ cls: "cm-vaultcrm-block-body" });
    const processor = this.host.processor(this.lang);
    const children: Component[] = [];
    const ctx: MarkdownPostProcessorContext = {
      docId: this.path,
      sourcePath: this.path,
      frontmatter: null,
      addChild: (c) => {
        children.push(c);
        c.load();
      },
      getSectionInfo: () => null,
    };
    try {
      void Promise.resolve(processor?.(this.source, el, ctx)).catch((err: unknown) => {
        el.setText(`Could not render this block: ${err instanceof Error ? err.message : String(err)}`);
      });
    } catch (err) {
      el.setText(`Could not render this block: ${err instanceof Error ? err.message : String(err)}`);
    }
    (wrap as HTMLElement & { cmChildren?: Component[] }).cmChildren = children;
    return wrap;
  }

  destroy(dom: HTMLElement): void {
    for (const c of (dom as HTMLElement & { cmChildren?: Component[] }).cmChildren ?? []) c.unload();
  }

  /** Clicks, checkboxes and pager buttons inside the widget are the widget's, not the editor's. */
  ignoreEvent(): boolean {
    return true;
  }

  get estimatedHeight(): number {
    return 120;
  }
}

function build(state: EditorState, host: CodeBlockHost): DecorationSet {
  const tree = ensureSyntaxTree(state, state.doc.length, 200) ?? syntaxTree(state);
  const builder = new RangeSetBuilder<Decoration>();
  const sel = state.selection.ranges;
  const path = host.sourcePath();
  tree.iterate({
    enter: (node) => {
      if (node.name !== "FencedCode") return;
      const info = node.node.getChild("CodeInfo");
      const lang = info === null ? "" : state.sliceDoc(info.from, info.to).trim().toLowerCase();
      if (lang === "" || host.processor(lang) === undefined) return false;
      const first = state.doc.lineAt(node.from);
      const last = state.doc.lineAt(node.to);
      // An unterminated fence runs to the end of the document: leave it as text while it is being typed.
      if (last.number === first.number || !/^\s*(```|~~~)/.test(last.text)) return false;
      const touched = sel.some((r) => r.to >= first.from && r.from <= last.to);
      if (touched) return false;
      const source = first.number + 1 <= last.number - 1 ? state.sliceDoc(state.doc.line(first.number + 1).from, state.doc.line(last.number - 1).to) : "";
      builder.add(
        first.from,
        last.to,
        Decoration.replace({ widget: new CodeBlockWidget(host, lang, source, path, first.from), block: true }),
      );
      return false;
    },
  });
  return builder.finish();
}

/** The extension: one StateField of block widgets. */
export function codeBlockWidgets(host: CodeBlockHost): Extension {
  return StateField.define<DecorationSet>({
    create: (state) => build(state, host),
    update(deco, tr) {
      const treeChanged = syntaxTree(tr.startState) !== syntaxTree(tr.state);
      if (tr.docChanged || tr.selection !== undefined || treeChanged || tr.effects.some((e) => e.is(processorsChanged))) {
        return build(tr.state, host);
      }
      return deco;
    },
    provide: (f) => EditorView.decorations.from(f),
  });
}
