// DedupReport: the value of engine.dedup(options) and `vaultcrm dedup VAULT --json`.
// Mirrors core/src/dedup/dedup_json.cpp; documented in docs/json-api.md "DedupReport".

export interface DedupOptions {
  contactHeadings?: string[];
  collaboratorHeadings?: string[];
  attendeeHeadings?: string[];
  timelineHeadings?: string[];
  personColumns?: string[];
  roleColumns?: string[];
  companyColumns?: string[];
  personKeys?: string[];
  accountKeys?: string[];
  companyKeys?: string[];
  roleKeys?: string[];
  personFolders?: string[];
  customerFolders?: string[];
  personTypes?: string[];
  customerTypes?: string[];
  paraphraseThreshold?: number;
  scanProse?: boolean;
  crossNoteEntries?: boolean;
}

export type ContactMemberKind =
  | 'canonical' | 'exact' | 'alias' | 'variant' | 'nickname' | 'initial' | 'first-name-only';

export interface ContactMemberDetail {
  surface: string;
  kind: ContactMemberKind;
  confidence: number;
  count: number;
}

export interface ContactCluster {
  id: number;
  canonical: string;
  /** Distinct surface forms as written in the notes. */
  members: string[];
  confidence: number;
  evidence: string[];
  ambiguous: boolean;
  /** False for every ambiguous cluster: it must never reach a merge plan. */
  mergeable: boolean;
  candidates: string[];
  notes: string[];
  accounts: string[];
  companies: string[];
  roles: string[];
  emails: string[];
  memberDetail: ContactMemberDetail[];
}

export type MentionSource = 'list' | 'table' | 'frontmatter' | 'person_note' | 'alias' | 'link' | 'prose';

export interface PersonMention {
  surface: string;
  path: string;
  line: number;
  source: MentionSource;
  /** Index into contacts.clusters, or -1. */
  cluster: number;
}

export type EntryGroupKind =
  | 'exact' | 'truncated' | 'paraphrase'
  | 'exact-modulo-link' | 'same-person' | 'variant';

export interface EntryGroupMember {
  path: string;
  line: number;
  uniqueFacts: string[];
}

export interface EntryGroup {
  path: string;
  section: string;
  kind: EntryGroupKind;
  lines: number[];
  keep: number;
  keepPath: string;
  confidence: number;
  why: string;
  members: EntryGroupMember[];
  cluster?: string;
  mergedRoles?: string[];
  mergedCompanies?: string[];
}

export interface DistinctSimilar {
  path: string;
  section: string;
  lines: number[];
  paths?: string[];
  reason: string;
}

export interface DedupReport {
  contacts: { clusters: ContactCluster[]; mentions: PersonMention[] };
  entries: { groups: EntryGroup[] };
  distinct_similar: DistinctSimilar[];
  stats: { mentions: number; clusters: number; candidatePairs: number; entryGroups: number };
}
