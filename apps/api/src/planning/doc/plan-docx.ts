import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';

export interface PlanDocxInput {
  title: string;
  groupName: string;
  versionName: string;
  /** Label/value pairs of the curriculum position, e.g. ['学科', '数学']. */
  curriculum: [string, string][];
  sections: { label: string; text: string }[];
}

const FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: 'SimSun' };

/** The plan as a Word document: title, curriculum position, the group as author, then each section. */
export async function renderPlanDocx(input: PlanDocxInput): Promise<Buffer> {
  const meta = (label: string, value: string) =>
    new Paragraph({ children: [new TextRun({ text: `${label}：`, bold: true }), new TextRun(value)] });
  const children: Paragraph[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(input.title)] }),
    ...input.curriculum.map(([label, value]) => meta(label, value)),
    meta('作者', `${input.groupName}（集体备课）`),
    meta('版本', input.versionName),
  ];
  for (const section of input.sections) {
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(section.label)] }));
    const lines = section.text.length > 0 ? section.text.split('\n') : ['（无）'];
    for (const line of lines) children.push(new Paragraph({ children: [new TextRun(line)] }));
  }
  const doc = new Document({
    creator: input.groupName,
    title: input.title,
    description: `${input.title} · ${input.versionName}`,
    styles: { default: { document: { run: { font: FONT, size: 24 } } } },
    sections: [{ children }],
  });
  return Packer.toBuffer(doc);
}
