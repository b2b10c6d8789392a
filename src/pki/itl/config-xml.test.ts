import { describe, expect, it } from "vitest";

import { outlineXml } from "./config-xml.js";
import { ItlBuildError } from "./itl-errors.js";

describe("outlineXml", () => {
  it("finds the root and the source of each direct child, through comments, CDATA and attributes", () => {
    const xml = `\uFEFF<?xml version="1.0"?>
<!-- a phone config -->
<device xsi:type="axl:XIPPhone" ctiid="9">
  <a x="1 > 0" y='<'>text<b/><![CDATA[<c></d>]]></a>
  <!-- <skipped/> -->
  <e/>
  <?pi data?>
  <f><f>nested</f></f>
</device>
<!-- trailing -->
`;
    const outline = outlineXml(xml);
    expect(outline.root).toBe("device");
    expect(outline.children).toEqual([
      { name: "a", source: `<a x="1 > 0" y='<'>text<b/><![CDATA[<c></d>]]></a>` },
      { name: "e", source: "<e/>" },
      { name: "f", source: "<f><f>nested</f></f>" },
    ]);
  });

  it.each([
    ["", "no root"],
    ["text", "no root"],
    ["<a>", "unclosed"],
    ["<a></b>", "mismatched"],
    ["<a/><b/>", "two roots"],
    ["<a/>tail", "text after the root"],
    ["<!DOCTYPE a [<!ENTITY x 'y'>]><a/>", "DOCTYPE"],
    ['<a b="1></a>', "unterminated attribute"],
    ["<a><!-- open </a>", "unterminated comment"],
  ])("refuses %j (%s) with a coded error", (xml) => {
    expect(() => outlineXml(xml)).toThrow(ItlBuildError);
  });
});
