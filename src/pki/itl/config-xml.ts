/**
 * Just enough XML reading for the `.cnf.xml.sgn` stub (spec §3.4): the root element's name and
 * the source text of each of its direct children. No entities are expanded and no DTD is read
 * (a DOCTYPE is refused), so hostile input costs linear time and nothing else.
 */

import { ItlBuildError } from "./itl-errors.js";

export interface XmlChild {
  name: string;
  /** The child exactly as written, from `<` of its start tag to `>` of its end tag. */
  source: string;
}

export interface XmlOutline {
  root: string;
  children: XmlChild[];
}

const NAME = /^[A-Za-z_][\w.:-]*/;

function fail(message: string): never {
  throw new ItlBuildError("bad_config", `The device config is not well-formed XML: ${message}.`);
}

function skipTo(xml: string, from: number, marker: string): number {
  const at = xml.indexOf(marker, from);
  if (at < 0) fail(`"${marker}" is missing`);
  return at + marker.length;
}

/** End of a start or end tag that begins at `from` ('<'), honouring quoted attribute values. */
function tagEnd(xml: string, from: number): number {
  let quote = "";
  for (let i = from + 1; i < xml.length; i++) {
    const ch = xml[i];
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ">") return i + 1;
    else if (ch === "<") break;
  }
  return fail("a tag is not closed");
}

/** Skips comments, processing instructions and whitespace; refuses anything else. */
function skipMisc(xml: string, from: number): number {
  let i = from;
  for (;;) {
    while (i < xml.length && " \t\r\n".includes(xml[i] ?? "")) i++;
    if (xml.startsWith("<!--", i)) i = skipTo(xml, i + 4, "-->");
    else if (xml.startsWith("<?", i)) i = skipTo(xml, i + 2, "?>");
    else if (xml.startsWith("<!DOCTYPE", i)) fail("a DOCTYPE is not accepted");
    else return i;
  }
}

/** Root name and direct children of an XML document. */
export function outlineXml(xml: string): XmlOutline {
  let i = skipMisc(xml, xml.startsWith("\uFEFF") ? 1 : 0);
  if (xml[i] !== "<") fail("no root element");
  const stack: string[] = [];
  const children: XmlChild[] = [];
  let root = "";
  let childStart = -1;
  while (i < xml.length) {
    const open = xml.indexOf("<", i);
    if (open < 0) break;
    if (xml.startsWith("<!--", open)) {
      i = skipTo(xml, open + 4, "-->");
      continue;
    }
    if (xml.startsWith("<![CDATA[", open)) {
      if (stack.length === 0) fail("text outside the root element");
      i = skipTo(xml, open + 9, "]]>");
      continue;
    }
    if (xml.startsWith("<?", open)) {
      i = skipTo(xml, open + 2, "?>");
      continue;
    }
    if (xml.startsWith("<!", open)) fail("a declaration inside the document");
    const end = tagEnd(xml, open);
    const closing = xml[open + 1] === "/";
    const name = NAME.exec(xml.slice(open + (closing ? 2 : 1), end))?.[0];
    if (!name) fail("a tag has no name");
    const selfClosing = !closing && xml[end - 2] === "/";
    if (closing) {
      if (stack.pop() !== name) fail(`</${name}> does not close the open element`);
      if (stack.length === 1 && childStart >= 0) {
        children.push({ name, source: xml.slice(childStart, end) });
        childStart = -1;
      }
      i = end;
      if (stack.length === 0) break;
      continue;
    }
    if (stack.length === 0) {
      if (root) fail("more than one root element");
      root = name;
    } else if (stack.length === 1) {
      childStart = open;
    }
    if (selfClosing) {
      if (stack.length === 1) {
        children.push({ name, source: xml.slice(open, end) });
        childStart = -1;
      }
      if (stack.length === 0) {
        i = end;
        break;
      }
    } else {
      stack.push(name);
    }
    i = end;
  }
  if (stack.length > 0 || !root) fail("the root element is not closed");
  if (skipMisc(xml, i) !== xml.length) fail("content after the root element");
  return { root, children };
}
