// settings.ts - what a vault can tune, and the tab that edits it.
//
// Two kinds of setting live here. The panel options (auto-open, items per
// section) are the plugin's own. The schema overrides say which headings and
// frontmatter types mean what; the core owns that mapping
// (core/include/vaultcrm/schema.h), so `settings.schema` is stored under its
// key names and handed to engine.setSchema as it is (docs/json-api.md). A list replaces the core's
// default list, so only keys the user filled in are stored: an empty field
// means "the core's default", never "nothing".
import { App, PluginSettingTab, Setting } from "obsidian";
import type VaultCrmPlugin from "./main";

/** The schema.h lists a vault may override here, named as the core's settings object names them. */
export type SchemaKey =
  | "accountTypes"
  | "statusHeadings"
  | "contactHeadings"
  | "collaboratorHeadings"
  | "timelineHeadings";

export type SchemaOverrides = Partial<Record<SchemaKey, string[]>>;

export interface VaultCrmSettings {
  schema: SchemaOverrides;
  /** Open the panel by itself when an account note becomes active. */
  autoOpen: boolean;
  /** Items each panel section shows before "Show all". 0 shows everything. */
  sectionLimit: number;
  /** Render ```dataview and ```tasks blocks when the Dataview / Tasks plugins are not enabled. */
  renderForeignBlocks: boolean;
}

// The core's default account types (schema.h). The plugin needs them to
// decide when to open the panel by itself; everything else stays in the core.
const DEFAULT_ACCOUNT_TYPES = ["customer", "account", "client"];

export const DEFAULT_SETTINGS: VaultCrmSettings = {
  schema: {},
  autoOpen: true,
  sectionLimit: 8,
  renderForeignBlocks: true,
};

const SCHEMA_FIELDS: Array<{ key: SchemaKey; name: string; desc: string; example: string }> = [
  {
    key: "accountTypes",
    name: "Account note types",
    desc: "Values of the frontmatter field type that make a note an account.",
    example: "customer, client",
  },
  {
    key: "statusHeadings",
    name: "Status table headings",
    desc: "Headings whose table holds the account's status fields.",
    example: "Account Status",
  },
  {
    key: "contactHeadings",
    name: "Key contact headings",
    desc: "Headings whose list names the account's contacts.",
    example: "Key Contacts",
  },
  {
    key: "collaboratorHeadings",
    name: "Collaborator headings",
    desc: "Headings whose Person / Role / Company table lists collaborators.",
    example: "Collaborators",
  },
  {
    key: "timelineHeadings",
    name: "Recent context headings",
    desc: "Headings whose dated list is the account's timeline.",
    example: "Recent Context",
  },
];

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

/** Merges stored data over the defaults; unknown or mistyped fields fall back. */
export function settingsFrom(data: unknown): VaultCrmSettings {
  const d = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  const stored = (typeof d.schema === "object" && d.schema !== null ? d.schema : {}) as Record<string, unknown>;
  const schema: SchemaOverrides = {};
  for (const { key } of SCHEMA_FIELDS) {
    const v = stored[key];
    if (Array.isArray(v) && v.length > 0 && v.every((t) => typeof t === "string")) schema[key] = v as string[];
  }
  return {
    schema,
    autoOpen: typeof d.autoOpen === "boolean" ? d.autoOpen : DEFAULT_SETTINGS.autoOpen,
    sectionLimit:
      typeof d.sectionLimit === "number" && d.sectionLimit >= 0
        ? Math.floor(d.sectionLimit)
        : DEFAULT_SETTINGS.sectionLimit,
    renderForeignBlocks:
      typeof d.renderForeignBlocks === "boolean" ? d.renderForeignBlocks : DEFAULT_SETTINGS.renderForeignBlocks,
  };
}

/** The frontmatter types that make a note an account, lower-cased. */
export function accountTypes(settings: VaultCrmSettings): string[] {
  return (settings.schema.accountTypes ?? DEFAULT_ACCOUNT_TYPES).map((t) => t.toLowerCase());
}

export class VaultCrmSettingTab extends PluginSettingTab {
  private readonly plugin: VaultCrmPlugin;

  constructor(app: App, plugin: VaultCrmPlugin) {
    super(app, plugin);
    this.plugin = plugin;
  }

  display(): void {
    const { containerEl } = this;
    containerEl.empty();
    const settings = this.plugin.settings;

    new Setting(containerEl).setName("Account panel").setHeading();

    new Setting(containerEl)
      .setName("Open the panel automatically")
      .setDesc("Show the account panel in the right sidebar when an account note becomes active.")
      .addToggle((toggle) =>
        toggle.setValue(settings.autoOpen).onChange(async (value) => {
          settings.autoOpen = value;
          await this.plugin.saveSettings();
        }),
      );

    new Setting(containerEl)
      .setName("Items per section")
      .setDesc("How many contacts, collaborators, entries or tasks a section shows before \"Show all\". 0 shows everything.")
      .addText((text) =>
        text
          .setPlaceholder(String(DEFAULT_SETTINGS.sectionLimit))
          .setValue(String(settings.sectionLimit))
          .onChange(async (value) => {
            const n = Number.parseInt(value, 10);
            if (Number.isNaN(n) || n < 0) return;
            settings.sectionLimit = n;
            await this.plugin.saveSettings();
          }),
      );

    new Setting(containerEl).setName("Query blocks").setHeading();

    new Setting(containerEl)
      .setName("Render dataview and tasks blocks")
      .setDesc(
        "Render ```dataview and ```tasks code blocks with the vaultcrm engine when the Dataview or Tasks " +
          "plugin is not enabled. ```vaultcrm blocks are always rendered. Takes effect after a reload.",
      )
      .addToggle((toggle) =>
        toggle.setValue(settings.renderForeignBlocks).onChange(async (value) => {
          settings.renderForeignBlocks = value;
          await this.plugin.saveSettings();
        }),
      );

    new Setting(containerEl)
      .setName("Note structure")
      .setDesc(
        "Which headings and note types mean what, separated by commas. Leave a field empty for the " +
          "core's defaults. Applied to the engine (which rebuilds its graph) as soon as they change.",
      )
      .setHeading();

    for (const field of SCHEMA_FIELDS) {
      new Setting(containerEl)
        .setName(field.name)
        .setDesc(field.desc)
        .addText((text) =>
          text
            .setPlaceholder(field.example)
            .setValue((settings.schema[field.key] ?? []).join(", "))
            .onChange(async (value) => {
              const list = splitList(value);
              if (list.length > 0) settings.schema[field.key] = list;
              else delete settings.schema[field.key];
              await this.plugin.saveSettings();
            }),
        );
    }
  }
}
