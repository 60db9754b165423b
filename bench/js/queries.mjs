// bench/js/queries.mjs - the query benchmark of issue 6 / target 7: each query
// as DQL (or a Tasks block) for engine.query, and the same query written as
// a plugin author would in JS: filter/sort over Dataview-like page objects
// built from the regex-lite index (built untimed, in prepare()).

function pagesOf(pages) {
  return pages.map((p) => {
    const slash = p.path.lastIndexOf("/");
    return { ...(p.frontmatter || {}), file: { path: p.path, name: p.path.slice(slash + 1, -3), folder: p.path.slice(0, Math.max(slash, 0)),
      tags: [...p.fmTags, ...p.tags].map((t) => t.toLowerCase()), outlinks: p.links.map((l) => l.target.toLowerCase()), tasks: p.tasks } };
  });
}
const str = (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v == null ? "" : String(v));

export const QUERIES = [
  {
    name: "where+sort+limit",
    format: "dql",
    prepare: (pages) => ({ pages: pagesOf(pages) }),
    source: () => 'TABLE date, account FROM "Meetings" WHERE date >= date(2025-06-01) AND contains(file.tags, "pilot") SORT date DESC LIMIT 50',
    js: ({ pages }) => pages.filter((p) => p.file.folder === "Meetings" && str(p.date) >= "2025-06-01" && p.file.tags.includes("pilot"))
      .sort((a, b) => (str(a.date) < str(b.date) ? 1 : str(a.date) > str(b.date) ? -1 : 0)).slice(0, 50),
  },
  {
    name: "tag+sort",
    format: "dql",
    prepare: (pages) => ({ pages: pagesOf(pages) }),
    source: () => "LIST FROM #priority SORT file.name ASC",
    js: ({ pages }) => pages.filter((p) => p.file.tags.some((t) => t === "priority" || t.startsWith("priority/")))
      .sort((a, b) => (a.file.name < b.file.name ? -1 : a.file.name > b.file.name ? 1 : 0)),
  },
  {
    // The same query as a query block asks for it: one page of 100 rows
    // (plugin/codeblocks.ts PAGE_SIZE) and the total. The JS side still has
    // to filter and sort every row to know the first 100.
    name: "tag+sort, first page",
    format: "dql",
    options: JSON.stringify({ format: "dql", page: { offset: 0, size: 100 } }),
    prepare: (pages) => ({ pages: pagesOf(pages) }),
    source: () => "LIST FROM #priority SORT file.name ASC",
    js: ({ pages }) => pages.filter((p) => p.file.tags.some((t) => t === "priority" || t.startsWith("priority/")))
      .sort((a, b) => (a.file.name < b.file.name ? -1 : a.file.name > b.file.name ? 1 : 0)).slice(0, 100),
  },
  {
    name: "backlinks",
    format: "dql",
    prepare: (pages) => {
      const ps = pagesOf(pages);
      const target = ps.find((p) => p.file.folder === "Customers").file.name;
      return { pages: ps, target, key: target.toLowerCase() };
    },
    source: (c) => `LIST FROM [[${c.target}]] SORT file.path`,
    js: ({ pages, key }) => pages.filter((p) => p.file.outlinks.includes(key)).sort((a, b) => (a.file.path < b.file.path ? -1 : 1)),
  },
  {
    name: "tasks due",
    format: "tasks",
    prepare: (pages) => ({ pages: pagesOf(pages) }),
    source: () => "not done\ndue before 2025-12-01\nsort by due\nlimit 50",
    js: ({ pages }) => {
      const out = [];
      for (const p of pages) for (const t of p.file.tasks) if (!t.completed && t.status !== "-" && t.due && t.due < "2025-12-01") out.push(t);
      return out.sort((a, b) => (a.due < b.due ? -1 : a.due > b.due ? 1 : 0)).slice(0, 50);
    },
  },
  {
    name: "entity: people of an account",
    format: "dql",
    prepare: (pages) => {
      const ps = pagesOf(pages);
      const target = ps.find((p) => p.file.folder === "Customers").file.name;
      return { pages: ps, target, link: `[[${target}]]` };
    },
    source: (c) => `TABLE roles, companies FROM people WHERE contains(accounts, [[${c.target}]]) SORT name`,
    js: ({ pages, link }) => pages.filter((p) => p.type === "person" && p.company === link).sort((a, b) => (a.file.name < b.file.name ? -1 : 1)),
  },
];
