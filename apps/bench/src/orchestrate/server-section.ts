/**
 * The server rows' section of RESULTS.md. `bench:serve` writes it between
 * these markers; the client bench rewrites the rest of the file and carries
 * the section over, so neither run erases the other's results.
 */
export const SERVER_SECTION_START = "<!-- server-rows:start -->";
export const SERVER_SECTION_END = "<!-- server-rows:end -->";

/** The marked section of `text` (markers included), or null when it has none. */
export function serverSection(text: string): string | null {
  const start = text.indexOf(SERVER_SECTION_START);
  const end = text.indexOf(SERVER_SECTION_END, start);
  if (start === -1 || end === -1) return null;
  return text.slice(start, end + SERVER_SECTION_END.length);
}

/** `text` with its marked section replaced by `section`, or `section` appended when it has none. */
export function withServerSection(text: string, section: string | null): string {
  if (section === null) return text;
  const current = serverSection(text);
  if (current !== null) return text.replace(current, () => section);
  return `${text.trimEnd()}\n\n${section}\n`;
}
