// AccountView.ts - the right-sidebar panel that renders one AccountPanel.
//
// The model comes whole from the core (engine.panel): contacts, the merged
// newest-first timeline, tasks, items and neighbourhood are already ordered and
// collapsed there; this file only lays them out. All note text goes in through
// createEl({text}) / setText, which set textContent, so markup written in a
// note (`<img onerror=...>`) stays text. Every item opens its source line.
// Duplicate warnings come from the plugin's last engine.dedup() report.
import { ItemView, Keymap, WorkspaceLeaf } from "obsidian";
import type {
  AccountPanel,
  Contact,
  Diagnostic,
  Neighbour,
  PanelItem,
  PanelTask,
  TimelineEntry,
} from "../../wasm/js/types";
import type { ContactCluster, EntryGroup } from "../../wasm/js/types-dedup";
import { VaultcrmError } from "../../wasm/js/web";
import type VaultCrmPlugin from "../main";

export const VIEW_TYPE_ACCOUNT = "vaultcrm-account";

type SectionKey =
  | "errors"
  | "status"
  | "contacts"
  | "timeline"
  | "tasks"
  | "keyFacts"
  | "opportunities"
  | "blockers"
  | "decisions"
  | "relatedProjects"
  | "neighbourhood";

/** Today's date as YYYY-MM-DD in local time, to flag overdue tasks. */
function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The entry's text without its leading date ("2025-12-15: ..." or "(2025-12-15) ..."), shown apart. */
export function withoutLeadingDate(text: string, date: string | null): string {
  if (date === null) return text;
  for (const prefix of [date, `(${date})`]) {
    if (!text.startsWith(prefix)) continue;
    const rest = text.slice(prefix.length).replace(/^\s*[:\u2013\u2014-]?\s*/, "");
    return rest === "" ? text : rest;
  }
  return text;
}

export function basename(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return name.toLowerCase().endsWith(".md") ? name.slice(0, -3) : name;
}

/** How many account names a "shared" chip's tooltip lists before "and N more". */
const TOOLTIP_NAMES = 12;

/** The first `max` names, then how many more there are. */
function namesUpTo(paths: readonly string[], max: number): string {
  const names = paths.slice(0, max).map(basename).join(", ");
  return paths.length > max ? `${names} and ${paths.length - max} more` : names;
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** Duplicate findings looked up by the panel (built by the plugin from one DedupReport). */
export interface DuplicateIndex {
  /** Multi-member or ambiguous clusters, by lower-cased surface form. */
  clusterOf(name: string): ContactCluster | null;
  /** Entry groups holding `path:line`. */
  groupOf(path: string, line: number): EntryGroup | null;
}

export class AccountView extends ItemView {
  /** The note whose panel is shown, or null before the first account note. */
  path: string | null = null;

  private readonly plugin: VaultCrmPlugin;
  private readonly collapsed = new Set<SectionKey>(["relatedProjects"]);
  /** Sections whose "Show all" was pressed; reset when another note is shown. */
  private readonly expanded = new Set<SectionKey>();
  /** People shared with other accounts whose "+N more" was pressed, by entity; reset with `expanded`. */
  private readonly expandedShared = new Set<string>();
  /**
   * Warning chips whose evidence is open, by contact entity or timeline
   * entry: a refresh (the vault changed, a dedup report came in) redraws the
   * panel and must not close what the user opened. Reset with `expanded`.
   */
  private readonly openWarnings = new Set<string>();
  /** The engine's version of the panel on screen (null: none, or unknown). */
  private shownVersion: number | null = null;
  /** What else the drawn panel shows: the duplicate warnings it had, and the day its overdue marks are for. */
  private shownDuplicates: DuplicateIndex | null = null;
  private shownDay = "";

  constructor(leaf: WorkspaceLeaf, plugin: VaultCrmPlugin) {
    super(leaf);
    this.plugin = plugin;
  }

  getViewType(): string {
    return VIEW_TYPE_ACCOUNT;
  }

  getDisplayText(): string {
    return this.path === null ? "Account" : `Account: ${basename(this.path)}`;
  }

  getIcon(): string {
    return "contact";
  }

  async onOpen(): Promise<void> {
    if (!this.plugin.followActiveFile(this, true)) this.render(null);
  }

  async onClose(): Promise<void> {
    this.contentEl.empty();
  }

  /** Shows the panel of `path`; `panel` may be passed when already computed. */
  show(path: string, panel?: AccountPanel): void {
    const other = path !== this.path;
    if (other) {
      this.expanded.clear();
      this.expandedShared.clear();
      this.openWarnings.clear();
    }
    this.path = path;
    this.render(panel ?? null);
    if (other) this.contentEl.scrollTop = 0;
  }

  /** Recomputes the panel of the current note. */
  refresh(): void {
    this.render(null);
  }

  /**
   * After a change in the vault or a new dedup report: re-renders only if
   * the engine's version of this panel moved, the duplicate warnings are
   * another report's, or the day changed (overdue marks). Re-rendering
   * empties the view, which loses a text selection and focus, for every
   * save of any note.
   */
  refreshIfChanged(): void {
    const same = this.shownDuplicates === this.plugin.duplicates() && this.shownDay === today();
    if (same && this.path !== null && this.shownVersion !== null) {
      try {
        if (this.plugin.panelVersion(this.path) === this.shownVersion) return;
      } catch {
        // not_found and the like: render() says what happened
      }
    }
    this.render(null);
  }

  private render(given: AccountPanel | null): void {
    const root = this.contentEl;
    const scrollTop = root.scrollTop;
    this.shownVersion = null;
    root.empty();
    root.addClass("vaultcrm-view");

    const state = this.plugin.engineState;
    if (state.kind === "loading") {
      root.createDiv({ cls: "vaultcrm-placeholder", text: "Indexing the vault…" });
      return;
    }
    if (state.kind === "failed") {
      root.createDiv({ cls: "vaultcrm-error", text: state.message });
      return;
    }
    if (this.path === null) {
      root.createDiv({
        cls: "vaultcrm-placeholder",
        text: "Open an account note (frontmatter type: customer) to see its contacts, timeline and tasks.",
      });
      return;
    }

    let panel = given;
    if (panel === null) {
      try {
        panel = state.engine.panel(this.path);
      } catch (err) {
        const gone = err instanceof VaultcrmError && err.code === "not_found";
        root.createDiv({
          cls: gone ? "vaultcrm-placeholder" : "vaultcrm-error",
          text: gone
            ? `${this.path} is no longer in the vault.`
            : `Could not build the panel for ${this.path}: ${errorMessage(err)}`,
        });
        return;
      }
    }
    this.shownDuplicates = this.plugin.duplicates();
    this.shownDay = today();
    this.renderPanel(root, panel);
    root.scrollTop = scrollTop;
    try {
      this.shownVersion = this.plugin.panelVersion(this.path);
    } catch {
      this.shownVersion = null;  // the next refresh renders again
    }
  }

  private renderPanel(root: HTMLElement, panel: AccountPanel): void {
    const dups = this.plugin.duplicates();
    const header = root.createDiv({ cls: "vaultcrm-header" });
    const title = header.createEl("h3", { cls: "vaultcrm-title", text: panel.title });
    this.clickable(title, `Open ${panel.path}`, (evt) => this.openAt(panel.path, 1, evt));
    header.createDiv({
      cls: "vaultcrm-meta",
      text: panel.type === null ? panel.path : `${panel.type} · ${panel.path}`,
    });
    const facts = header.createDiv({ cls: "vaultcrm-facts" });
    const fact = (label: string, value: string | null, cls: string) => {
      const el = facts.createDiv({ cls: ["vaultcrm-fact", cls] });
      el.createSpan({ cls: "vaultcrm-fact-label", text: label });
      el.createSpan({ cls: "vaultcrm-fact-value", text: value ?? "—" });
      const row = panel.status.find((r) => r.value === value);
      if (value !== null && row !== undefined) {
        this.clickable(el, `Go to line ${row.line}`, (evt) => this.openAt(panel.path, row.line, evt));
      }
    };
    fact("Status", panel.accountStatus, "vaultcrm-fact-status");
    fact("Industry", panel.industry, "vaultcrm-fact-industry");
    fact("Last contact", panel.lastContact, "vaultcrm-fact-last-contact");
    if (!this.plugin.isAccount(panel)) {
      header.createDiv({
        cls: "vaultcrm-hint",
        text: "This note is not an account note; showing what the core found in it.",
      });
    }

    this.renderSection(root, "errors", "Problems in this note", panel.errors, (body, items) =>
      this.renderErrors(body, panel.path, items),
    );
    this.renderSection(root, "status", "Account status", panel.status, (body, items) => {
      const table = body.createEl("table", { cls: "vaultcrm-table vaultcrm-status" });
      const tbody = table.createEl("tbody");
      for (const row of items) {
        const tr = tbody.createEl("tr", { cls: "vaultcrm-item" });
        tr.createEl("th", { text: row.field });
        tr.createEl("td", { text: row.value });
        this.clickable(tr, `Go to line ${row.line}`, (evt) => this.openAt(panel.path, row.line, evt));
      }
    });
    this.renderSection(root, "contacts", "Contacts", panel.contacts, (body, items) =>
      this.renderContacts(body, panel.path, items, dups),
    );
    this.renderSection(root, "timeline", "Timeline", panel.timeline, (body, items) =>
      this.renderTimeline(body, items, dups),
    );
    this.renderSection(root, "tasks", "Open tasks", panel.openTasks, (body, items) => this.renderTasks(body, items));
    const itemSections: Array<[SectionKey, string, PanelItem[]]> = [
      ["keyFacts", "Key facts", panel.keyFacts],
      ["opportunities", "Opportunities", panel.opportunities],
      ["blockers", "Blockers", panel.blockers],
      ["decisions", "Decisions", panel.decisions],
      ["relatedProjects", "Related projects", panel.relatedProjects],
    ];
    for (const [key, name, items] of itemSections) {
      this.renderSection(root, key, name, items, (body, shown) => this.renderItems(body, panel.path, key, shown));
    }
    const n = panel.neighbourhood;
    const neighbours = n.companies.length + n.projects.length + n.sharedPeople.length;
    this.renderSection(root, "neighbourhood", "Neighbourhood", neighbours > 0 ? [n] : [], (body) =>
      this.renderNeighbourhood(body, panel),
    );
  }

  /**
   * A collapsible section. Long lists show the first `sectionLimit` items and
   * a "Show all" button; errors and status rows are always shown whole.
   */
  private renderSection<T>(
    root: HTMLElement,
    key: SectionKey,
    name: string,
    items: readonly T[],
    fill: (body: HTMLElement, items: readonly T[]) => void,
  ): void {
    if ((key === "errors" || key === "status") && items.length === 0) return;
    const section = root.createDiv({ cls: ["vaultcrm-section", `vaultcrm-section-${key}`] });
    const head = section.createDiv({ cls: "vaultcrm-section-head" });
    head.createSpan({ cls: "vaultcrm-section-name", text: name });
    if (key !== "neighbourhood") head.createSpan({ cls: "vaultcrm-count", text: String(items.length) });
    const open = !this.collapsed.has(key);
    section.toggleClass("is-collapsed", !open);
    this.clickable(head, open ? `Collapse ${name}` : `Expand ${name}`, () => {
      if (this.collapsed.has(key)) this.collapsed.delete(key);
      else this.collapsed.add(key);
      this.refresh();
    });
    head.setAttr("aria-expanded", open);
    if (!open) return;
    const body = section.createDiv({ cls: "vaultcrm-section-body" });
    if (items.length === 0) {
      body.createDiv({ cls: "vaultcrm-empty", text: "None" });
      return;
    }
    const limit = this.plugin.settings.sectionLimit;
    const whole = key === "errors" || key === "status" || limit === 0 || this.expanded.has(key);
    const shown = whole ? items : items.slice(0, limit);
    fill(body, shown);
    if (shown.length < items.length) {
      const more = body.createEl("button", { cls: "vaultcrm-more", text: `Show all ${items.length}` });
      more.addEventListener("click", () => {
        this.expanded.add(key);
        this.refresh();
      });
    }
  }

  private renderErrors(body: HTMLElement, path: string, errors: readonly Diagnostic[]): void {
    const list = body.createEl("ul", { cls: "vaultcrm-list vaultcrm-errors" });
    for (const d of errors) {
      const item = list.createEl("li", { cls: ["vaultcrm-item", `is-${d.severity}`] });
      item.createSpan({ cls: "vaultcrm-line", text: `${d.line}:${d.column}` });
      item.createSpan({ cls: "vaultcrm-text", text: d.message });
      this.clickable(item, `Go to line ${d.line}`, (evt) => this.openAt(path, d.line, evt));
    }
  }

  private renderContacts(body: HTMLElement, path: string, contacts: readonly Contact[], dups: DuplicateIndex | null): void {
    const list = body.createEl("ul", { cls: "vaultcrm-list vaultcrm-contacts" });
    for (const c of contacts) {
      const item = list.createEl("li", { cls: "vaultcrm-item vaultcrm-contact" });
      const top = item.createDiv({ cls: "vaultcrm-contact-top" });
      top.createSpan({ cls: "vaultcrm-name", text: c.name });
      if (c.count > 1) {
        top.createSpan({
          cls: "vaultcrm-badge vaultcrm-mentions",
          text: `×${c.count}`,
          attr: { "aria-label": `mentioned ${c.count} times` },
        });
      }
      if (c.otherAccounts.length > 0) {
        top.createSpan({
          cls: "vaultcrm-chip vaultcrm-shared",
          text: `shared ×${c.otherAccounts.length}`,
          attr: { title: `Also a contact of ${namesUpTo(c.otherAccounts, TOOLTIP_NAMES)}` },
        });
      }
      const cluster = dups === null ? null : clusterFor(dups, c);
      if (cluster !== null) this.contactWarning(top, c, cluster);
      if (c.link !== null) this.noteButton(top, c.link);
      const first = c.lines[0] ?? 1;
      this.clickable(item, `Mentioned on line${c.lines.length > 1 ? "s" : ""} ${c.lines.join(", ")}`, (evt) =>
        this.openAt(path, first, evt),
      );
      const who = [c.roles.join("; "), c.companies.join(", ")].filter((s) => s !== "");
      if (who.length > 0) {
        const details = item.createDiv({ cls: "vaultcrm-contact-details" });
        if (c.roles.length > 0) details.createSpan({ cls: "vaultcrm-roles", text: c.roles.join(" · ") });
        if (c.companies.length > 0) details.createSpan({ cls: "vaultcrm-companies", text: c.companies.join(", ") });
      }
      const m = c.lastMeeting;
      if (m !== null) {
        const meeting = item.createDiv({ cls: "vaultcrm-last-meeting" });
        meeting.createSpan({ cls: "vaultcrm-label", text: "Last meeting " });
        const name = meeting.createSpan({ cls: "vaultcrm-link", text: m.name });
        if (m.date !== null) meeting.createEl("time", { cls: "vaultcrm-date", text: m.date, attr: { datetime: m.date } });
        const mp = m.path;
        if (mp !== null) this.clickable(name, `Open ${mp}`, (evt) => this.openAt(mp, null, evt));
        else name.addClass("is-unresolved");
      }
    }
  }

  /** A warning chip; its evidence shows on hover (title) and on click (expands under the row). */
  private contactWarning(parent: HTMLElement, c: Contact, cluster: ContactCluster): void {
    const others = cluster.ambiguous
      ? cluster.candidates ?? []
      : cluster.members.filter((m) => !c.surfaceForms.includes(m) && m !== c.name);
    const label = cluster.ambiguous ? "ambiguous" : `duplicate? ${percent(cluster.confidence)}`;
    const explain = cluster.ambiguous
      ? `Ambiguous: could be ${others.join(" or ")}. Never merged without you choosing.`
      : `Possible duplicate of ${others.join(", ") || cluster.canonical} (confidence ${percent(cluster.confidence)}).`;
    const detail = [explain, ...cluster.evidence.map((e) => `• ${e}`)].join("\n");
    this.warningChip(parent, `contact:${c.entity}`, label, detail, cluster.ambiguous);
  }

  /** `key` names the chip's row across redraws (see openWarnings). */
  private warningChip(parent: HTMLElement, key: string, label: string, detail: string, ambiguous: boolean): void {
    const chip = parent.createSpan({
      cls: ["vaultcrm-chip", "vaultcrm-dup", ambiguous ? "is-ambiguous" : "is-duplicate"],
      text: `⚠ ${label}`,
      attr: { title: detail, tabindex: 0, role: "button", "aria-expanded": "false" },
    });
    const row = () => parent.closest(".vaultcrm-item") as HTMLElement | null;
    const open = (at: HTMLElement) => {
      at.createDiv({ cls: "vaultcrm-dup-detail", text: detail });
      chip.setAttr("aria-expanded", "true");
    };
    const toggle = (evt: Event) => {
      evt.stopPropagation();
      evt.preventDefault();
      const at = row();
      if (at === null) return;
      const shown = at.querySelector(":scope > .vaultcrm-dup-detail");
      if (shown !== null) {
        shown.remove();
        chip.setAttr("aria-expanded", "false");
        this.openWarnings.delete(key);
        return;
      }
      open(at);
      this.openWarnings.add(key);
    };
    if (this.openWarnings.has(key)) {
      // After the rest of the row is drawn, where a click would have put it.
      queueMicrotask(() => {
        const at = row();
        if (at !== null && at.querySelector(":scope > .vaultcrm-dup-detail") === null) open(at);
      });
    }
    chip.addEventListener("click", toggle);
    chip.addEventListener("keydown", (evt) => {
      if (evt.key === "Enter" || evt.key === " ") toggle(evt);
    });
  }

  private renderTimeline(body: HTMLElement, entries: readonly TimelineEntry[], dups: DuplicateIndex | null): void {
    const list = body.createEl("ol", { cls: "vaultcrm-timeline" });
    for (const e of entries) {
      const item = list.createEl("li", { cls: ["vaultcrm-item", "vaultcrm-entry", `is-${e.kind}`] });
      item.createEl("time", {
        cls: "vaultcrm-date",
        text: e.date ?? "no date",
        attr: e.date === null ? {} : { datetime: e.date },
      });
      const main = item.createDiv({ cls: "vaultcrm-entry-main" });
      const line = main.createDiv({ cls: "vaultcrm-entry-line" });
      if (e.kind === "meeting") line.createSpan({ cls: "vaultcrm-kind", text: "meeting" });
      line.createSpan({ cls: "vaultcrm-text", text: withoutLeadingDate(e.text, e.date) });
      if (e.count > 1) {
        line.createSpan({
          cls: "vaultcrm-badge vaultcrm-repeats",
          text: `×${e.count}`,
          attr: { title: `Written ${e.count} times: lines ${e.lines.join(", ")}` },
        });
      }
      const group = dups === null ? null : groupFor(dups, e);
      if (group !== null) {
        const others = group.members.filter((m) => !(m.path === e.path && e.lines.includes(m.line)));
        const facts = group.members.flatMap((m) => m.uniqueFacts.map((f) => `${basename(m.path)}:${m.line} alone has ${f}`));
        const detail = [
          `${group.kind} duplicate (confidence ${percent(group.confidence)}): ${group.why}`,
          `Also at ${others.map((m) => `${basename(m.path)}:${m.line}`).join(", ")}; keep ${basename(group.keepPath || group.path)}:${group.keep}.`,
          ...facts,
        ].join("\n");
        this.warningChip(line, `timeline:${e.path}:${e.line}`, group.kind, detail, false);
      }
      this.clickable(item, `Go to ${basename(e.path)} line ${e.line}`, (evt) => this.openAt(e.path, e.line, evt));
      const meeting = e.meeting;
      if (meeting !== null && meeting !== e.path) {
        const links = main.createDiv({ cls: "vaultcrm-links" });
        const chip = links.createSpan({ cls: "vaultcrm-link", text: basename(meeting) });
        this.clickable(chip, `Open ${meeting}`, (evt) => this.openAt(meeting, null, evt));
      }
    }
  }

  private renderTasks(body: HTMLElement, tasks: readonly PanelTask[]): void {
    const now = today();
    const list = body.createEl("ul", { cls: "vaultcrm-list vaultcrm-tasks" });
    for (const t of tasks) {
      const item = list.createEl("li", { cls: "vaultcrm-item vaultcrm-task" });
      item.createSpan({ cls: "vaultcrm-task-status", text: `[${t.status}]` });
      const main = item.createDiv({ cls: "vaultcrm-task-main" });
      main.createDiv({ cls: "vaultcrm-text", text: t.text });
      const meta = main.createDiv({ cls: "vaultcrm-task-meta" });
      if (t.due !== null) {
        const due = meta.createSpan({ cls: "vaultcrm-due", text: `due ${t.due}` });
        if (t.due < now) due.addClass("is-overdue");
      }
      if (t.priority !== null) meta.createSpan({ cls: "vaultcrm-priority", text: t.priority });
      meta.createSpan({ cls: "vaultcrm-source", text: `${basename(t.path)}:${t.line}` });
      this.clickable(item, `Open ${t.path} at line ${t.line}`, (evt) => this.openAt(t.path, t.line, evt));
    }
  }

  private renderItems(body: HTMLElement, path: string, key: SectionKey, items: readonly PanelItem[]): void {
    const list = body.createEl("ul", { cls: ["vaultcrm-list", `vaultcrm-${key}`] });
    for (const it of items) {
      const item = list.createEl("li", { cls: "vaultcrm-item vaultcrm-panel-item" });
      item.createSpan({ cls: "vaultcrm-text", text: it.text });
      this.clickable(item, `Go to line ${it.line}`, (evt) => this.openAt(path, it.line, evt));
      if (it.link !== null) this.noteButton(item, it.link);
    }
  }

  private renderNeighbourhood(body: HTMLElement, panel: AccountPanel): void {
    const n = panel.neighbourhood;
    const group = (name: string, cls: string, items: Neighbour[]) => {
      if (items.length === 0) return;
      const g = body.createDiv({ cls: ["vaultcrm-neighbours", cls] });
      g.createDiv({ cls: "vaultcrm-label", text: name });
      const chips = g.createDiv({ cls: "vaultcrm-links" });
      for (const it of items) {
        const chip = chips.createSpan({ cls: "vaultcrm-link", text: it.count > 1 ? `${it.name} ×${it.count}` : it.name });
        const link = it.link;
        if (link === null) chip.addClass("is-unresolved");
        else this.clickable(chip, `Open ${link}`, (evt) => this.openAt(link, null, evt));
      }
    };
    group("Companies", "vaultcrm-neighbour-companies", n.companies);
    group("Projects", "vaultcrm-neighbour-projects", n.projects);
    if (n.sharedPeople.length > 0) {
      const g = body.createDiv({ cls: "vaultcrm-neighbours vaultcrm-neighbour-people" });
      g.createDiv({ cls: "vaultcrm-label", text: "People shared with other accounts" });
      const list = g.createEl("ul", { cls: "vaultcrm-list" });
      for (const p of n.sharedPeople) {
        const li = list.createEl("li", { cls: "vaultcrm-item vaultcrm-shared-person" });
        li.createSpan({ cls: "vaultcrm-name", text: p.name });
        // A person hundreds of accounts list (an account executive, a
        // partner's rep) would fill the panel with chips: the first
        // `sectionLimit`, then "+N more".
        const limit = this.plugin.settings.sectionLimit;
        const whole = limit === 0 || p.otherAccounts.length <= limit || this.expandedShared.has(p.entity);
        const shown = whole ? p.otherAccounts : p.otherAccounts.slice(0, limit);
        for (const acc of shown) {
          const chip = li.createSpan({ cls: "vaultcrm-link", text: basename(acc) });
          this.clickable(chip, `Open ${acc}`, (evt) => this.openAt(acc, null, evt));
        }
        if (shown.length < p.otherAccounts.length) {
          const more = li.createEl("button", {
            cls: "vaultcrm-more vaultcrm-more-accounts",
            text: `+${p.otherAccounts.length - shown.length} more`,
          });
          more.addEventListener("click", (evt) => {
            evt.stopPropagation();
            this.expandedShared.add(p.entity);
            this.refresh();
          });
        }
        const first = p.lines[0] ?? 1;
        this.clickable(li, `Go to line ${first}`, (evt) => this.openAt(panel.path, first, evt));
      }
    }
  }

  /** A small button that opens a linked note (a person) rather than the line. */
  private noteButton(parent: HTMLElement, target: string): void {
    const button = parent.createEl("button", {
      cls: "vaultcrm-note-button",
      text: "↗",
      attr: { "aria-label": `Open ${target}`, title: `Open ${target}` },
    });
    button.addEventListener("click", (evt) => {
      evt.stopPropagation();
      this.openAt(target, null, evt);
    });
  }

  /** Makes `el` act as a button: click, Enter or Space runs `action`. */
  private clickable(el: HTMLElement, label: string, action: (evt: MouseEvent | KeyboardEvent) => void): void {
    el.addClass("vaultcrm-clickable");
    el.setAttr("tabindex", 0);
    el.setAttr("role", "button");
    el.setAttr("title", label);
    el.addEventListener("click", (evt) => {
      evt.stopPropagation();
      action(evt);
    });
    el.addEventListener("keydown", (evt) => {
      if (evt.target !== el) return;
      if (evt.key !== "Enter" && evt.key !== " ") return;
      evt.preventDefault();
      evt.stopPropagation();
      action(evt);
    });
  }

  /** Opens `path`, at 1-based `line` if given; Ctrl/Cmd opens a new tab. */
  private openAt(path: string, line: number | null, evt: MouseEvent | KeyboardEvent): void {
    const state = line === null ? undefined : { eState: { line: line - 1 } };
    void this.app.workspace.openLinkText(path, this.path ?? "", Keymap.isModEvent(evt), state);
  }
}

function clusterFor(dups: DuplicateIndex, c: Contact): ContactCluster | null {
  for (const name of [c.name, ...c.surfaceForms]) {
    const found = dups.clusterOf(name);
    if (found !== null) return found;
  }
  return null;
}

function groupFor(dups: DuplicateIndex, e: TimelineEntry): EntryGroup | null {
  for (const line of e.lines) {
    const found = dups.groupOf(e.path, line);
    if (found !== null) return found;
  }
  return null;
}
