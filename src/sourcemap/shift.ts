import { createRequire } from "node:module";
import type * as Codec from "@jridgewell/sourcemap-codec";
import type { SourceMapSegment } from "@jridgewell/sourcemap-codec";
import type * as TraceMapping from "@jridgewell/trace-mapping";
import type { Edit } from "../css/edits.js";
import { lineLocator } from "../css/position.js";

// Required when a map is first read, not imported: most builds rewrite no source map, and
// importing both libraries added about 10 ms to loading the Eleventy plugin. `require` keeps
// them loaded after the first call.
const load = createRequire(import.meta.url);
const codec = () => load("@jridgewell/sourcemap-codec") as typeof Codec;
const traceMapping = () => load("@jridgewell/trace-mapping") as typeof TraceMapping;

/** One edit as a source map sees it: on one line, from one column to another. */
interface ColumnEdit {
  line: number;
  start: number;
  end: number;
  delta: number;
}

/** The edits by 0-based generated line, columns 0-based, in order. */
function columnEdits(generated: string, edits: readonly Edit[]): Map<number, ColumnEdit[]> {
  const where = lineLocator(generated);
  const byLine = new Map<number, ColumnEdit[]>();
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    const { line, column } = where(edit.start);
    const list = byLine.get(line - 1) ?? [];
    list.push({
      line: line - 1,
      start: column - 1,
      end: column - 1 + (edit.end - edit.start),
      delta: edit.insert.length - (edit.end - edit.start),
    });
    byLine.set(line - 1, list);
  }
  return byLine;
}

/** A generated column after the edits of its line: shifted by every edit before it. */
function shiftColumn(column: number, edits: readonly ColumnEdit[]): number {
  let shift = 0;
  for (const edit of edits) {
    if (edit.end <= column) shift += edit.delta;
    // A position inside a replaced URL maps to where the URL now starts.
    else if (edit.start < column) return edit.start + shift;
    else break;
  }
  return column + shift;
}

/** The map as JSON with plain (unsectioned) mappings, or a reason it is not a source map. */
function readMap(text: string): { map: Record<string, unknown>; lines: SourceMapSegment[][] } | string {
  let map: Record<string, unknown>;
  try {
    map = JSON.parse(text.replace(/^\)\]\}'[^\n]*\n/, "")) as Record<string, unknown>;
  } catch {
    return "not JSON";
  }
  if (typeof map !== "object" || map === null || map.version !== 3) return "not a version 3 source map";
  try {
    if (Array.isArray(map.sections)) {
      // An index map: flattened into one, since its sections' offsets would need shifting too.
      const { FlattenMap, decodedMappings } = traceMapping();
      const flat = new FlattenMap(map as never);
      const { sections: _, ...rest } = map;
      return {
        map: { ...rest, sources: flat.sources, sourcesContent: flat.sourcesContent, names: flat.names },
        lines: decodedMappings(flat) as SourceMapSegment[][],
      };
    }
    if (typeof map.mappings !== "string" || !Array.isArray(map.sources)) return "no mappings or sources";
    return { map, lines: codec().decode(map.mappings) };
  } catch {
    return "mappings that cannot be read";
  }
}

/**
 * The source map of `generated` after `edits` were applied to it: every mapped position moves
 * with the text it maps, so it points at the same original line and column as before. Every
 * other field is kept. Returns the new map's JSON, or a string saying why `mapText` is not a
 * source map (prefixed `invalid:`).
 *
 * @example
 * shiftSourceMap(mapJson, code, [{ start: 8, end: 14, insert: "./a.js?v=1" }])
 */
export function shiftSourceMap(
  mapText: string,
  generated: string,
  edits: readonly Edit[],
): { json: string } | { invalid: string } {
  const read = readMap(mapText);
  if (typeof read === "string") return { invalid: read };
  const byLine = columnEdits(generated, edits);
  const lines = read.lines.map((segments, line) => {
    const onLine = byLine.get(line);
    if (!onLine) return segments;
    return segments.map((segment) => [shiftColumn(segment[0], onLine), ...segment.slice(1)] as SourceMapSegment);
  });
  return { json: JSON.stringify({ ...read.map, mappings: codec().encode(lines) }) };
}
