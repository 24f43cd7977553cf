// A report as a printable Vietnamese document (PDF): the heading, the figures in the sentences
// district reports write them in ("Năm 2018, toàn huyện có 16/18 xã, thị trấn, 36 cơ quan, 6 doanh
// nghiệp, 91 nhà trường đạt tiêu chuẩn “An toàn về ANTT”"), a table of every figure, and for a
// report sent up the hierarchy who sent it, when, its status and the SHA-256 of what was sent.
// The font is bundled (Noto Sans, SIL Open Font License): it has every Vietnamese glyph.
import { readFileSync } from 'node:fs'
import type PDFDocument from 'pdfkit'
import type { UnitKind } from '../../db/schema.js'
import { projectRoot } from '../../project.js'
import type { Summary } from './reports.schemas.js'

export const PDF_FONTS = {
  regular: new URL('reference-data/fonts/NotoSans-Regular.ttf', projectRoot()),
  bold: new URL('reference-data/fonts/NotoSans-Bold.ttf', projectRoot()),
}
let fonts: { regular: Buffer; bold: Buffer } | undefined
const fontsOf = () =>
  (fonts ??= { regular: readFileSync(PDF_FONTS.regular), bold: readFileSync(PDF_FONTS.bold) })
// Loaded on the first PDF asked for: pdfkit and its font engine cost every process ~0.15 s at
// start, and most never print.
let pdfkit: Promise<{ default: typeof PDFDocument }> | undefined
const loadPdfkit = () => (pdfkit ??= import('pdfkit'))

/** A report sent up the hierarchy, as its document names it (a submission as the API shows it). */
export interface SentReport {
  version: number
  recipient: { code: string; name: string } | null
  submittedAt: string
  submittedBy: { name: string }
  status: 'submitted' | 'accepted' | 'returned' | 'reopened'
  deadline: string
  onTime: boolean
  snapshotSha256: string
  decidedBy: { name: string } | null
  decidedAt: string | null
  reason: string | null
}

const STATUS: Record<SentReport['status'], string> = {
  submitted: 'Đã gửi, chờ cấp trên duyệt',
  accepted: 'Đã được cấp trên duyệt',
  returned: 'Bị cấp trên trả lại',
  reopened: 'Được cấp trên mở lại',
}

/** The word a report calls its own area by: "toàn huyện", "toàn tỉnh". */
const AREA: Record<UnitKind, string> = {
  province: 'tỉnh',
  district: 'huyện',
  commune: 'xã',
  ward: 'phường',
  town: 'thị trấn',
  special_zone: 'đặc khu',
  hamlet: 'ấp',
  agency: 'cơ quan',
  business: 'doanh nghiệp',
  school: 'nhà trường',
}
/**
 * Text is laid out without glyph decomposition (`ccmp`): Noto Sans would draw "ị" as "i" and a
 * dot, and the PDF's text (copied, searched, read by a screen reader) would then say "ị" for
 * every "i" after it. The font has every precomposed Vietnamese letter.
 */
const LAYOUT = { features: { ccmp: false } as unknown as PDFKit.Mixins.OpenTypeFeatures[] }

const COMMUNE_LEVEL_ORDER: UnitKind[] = ['commune', 'ward', 'town', 'special_zone']

const number = new Intl.NumberFormat('vi-VN')
const n = (value: number) => number.format(value)
const percent = (rate: number | null) =>
  rate === null
    ? '—'
    : `${new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 }).format(rate * 100)}%`

/** A timestamp in Vietnam's time (UTC+7), as Vietnamese documents write it. */
function vietnamTime(iso: string): string {
  const t = new Date(Date.parse(iso) + 7 * 3600_000)
  const pad = (x: number) => String(x).padStart(2, '0')
  return `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())} ngày ${pad(t.getUTCDate())}/${pad(t.getUTCMonth() + 1)}/${t.getUTCFullYear()}`
}
const vietnamDate = (date: string) => date.split('-').reverse().join('/')

/**
 * The report's sentences. `communeKinds` are the commune-level kinds of its subtree that year,
 * which name the group ("xã, thị trấn").
 */
export function reportSentences(summary: Summary, communeKinds: readonly UnitKind[]): string[] {
  const area = summary.unit ? `toàn ${AREA[summary.unit.kind]}` : 'toàn quốc'
  const c = summary.certifications
  const m = summary.meetings
  const r = summary.reeducation
  const year = summary.year
  const belowCommune = summary.unit !== null && COMMUNE_LEVEL_ORDER.includes(summary.unit.kind)
  const communeLabel =
    COMMUNE_LEVEL_ORDER.filter((k) => communeKinds.includes(k))
      .map((k) => AREA[k])
      .join(', ') || 'xã, phường, thị trấn'
  const certified = [
    belowCommune
      ? `${n(c.hamlet.certified)}/${n(c.hamlet.eligible)} ấp`
      : `${n(c.communeLevel.certified)}/${n(c.communeLevel.eligible)} ${communeLabel}`,
    `${n(c.agency.certified)} cơ quan`,
    `${n(c.business.certified)} doanh nghiệp`,
    `${n(c.school.certified)} nhà trường`,
  ]
  return [
    `Năm ${year}, lực lượng Công an phối hợp các ban, ngành, đoàn thể cảm hóa, giáo dục ${n(r.reEducated)} đối tượng có biểu hiện vi phạm pháp luật tại cộng đồng dân cư; giáo dục trở thành người tốt ${n(r.reformed)} đối tượng, đưa vào diện quản lý ${n(r.underManagement)} đối tượng.`,
    `Tổ chức ${n(m.forums)} hội nghị “Công an lắng nghe ý kiến nhân dân” tại ${n(m.hamletsCovered)} ấp; tổ chức ${n(m.consultations)} buổi lấy ý kiến các ban, ngành, đoàn thể, có ${n(m.attendees)} lượt người tham dự; phát ${n(m.formsDistributed)} phiếu lấy ý kiến, qua đó nhân dân đóng góp ${n(m.opinionsReceived)} ý kiến cho lực lượng Công an.`,
    `Năm ${year}, ${area} có ${certified.join(', ')} đạt tiêu chuẩn “An toàn về ANTT”.`,
  ]
}

const GROUP_LABELS = {
  communeLevel: 'Xã, phường, thị trấn',
  hamlet: 'Ấp, khu phố',
  agency: 'Cơ quan',
  business: 'Doanh nghiệp',
  school: 'Nhà trường',
} as const

/** Renders the report; resolves with the PDF's bytes. */
export async function renderReportPdf(
  summary: Summary,
  communeKinds: readonly UnitKind[],
  sent?: SentReport,
): Promise<Buffer> {
  const { default: Document } = await loadPdfkit()
  const { regular, bold } = fontsOf()
  const doc = new Document({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 64, right: 56 },
    info: {
      Title: `Báo cáo phong trào Toàn dân bảo vệ ANTQ năm ${summary.year}`,
      Author: sent?.submittedBy.name ?? 'antq-api',
    },
  })
  doc.registerFont('regular', regular)
  doc.registerFont('bold', bold)
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })

  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right
  const centered = (text: string, font: 'regular' | 'bold', size: number) =>
    doc
      .font(font)
      .fontSize(size)
      .text(text, { ...LAYOUT, align: 'center', width })

  centered('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'bold', 12)
  centered('Độc lập - Tự do - Hạnh phúc', 'bold', 12)
  doc.moveDown(1.5)
  centered('BÁO CÁO', 'bold', 16)
  centered(
    `Kết quả xây dựng phong trào “Toàn dân bảo vệ an ninh Tổ quốc” năm ${summary.year}`,
    'bold',
    12,
  )
  doc.moveDown()
  const unitName = summary.unit ? `${summary.unit.name} (mã ${summary.unit.code})` : 'Toàn quốc'
  doc.font('regular').fontSize(11).text(`Đơn vị báo cáo: ${unitName}`, LAYOUT)
  if (sent)
    doc.text(
      `Kính gửi: ${sent.recipient ? `${sent.recipient.name} (mã ${sent.recipient.code})` : 'Cấp Trung ương'}`,
      LAYOUT,
    )
  doc.moveDown()

  doc.font('bold').fontSize(12).text('I. KẾT QUẢ', LAYOUT)
  doc.font('regular').fontSize(11)
  for (const sentence of reportSentences(summary, communeKinds))
    doc.text(sentence, { ...LAYOUT, align: 'justify', width, paragraphGap: 6 })
  doc.moveDown()

  doc.font('bold').fontSize(12).text('II. BẢNG SỐ LIỆU', LAYOUT)
  doc.moveDown(0.5)
  const columns = [0, 170, 250, 330, 410].map((x) => doc.page.margins.left + x)
  const row = (cells: string[], font: 'regular' | 'bold' = 'regular') => {
    const y = doc.y
    doc.font(font).fontSize(10)
    cells.forEach((cell, i) =>
      doc.text(cell, columns[i], y, { width: i === 0 ? 165 : 75, lineBreak: false }),
    )
    doc.x = doc.page.margins.left
    doc.y = y + 16
  }
  row(['Đạt chuẩn “An toàn về ANTT”', 'Thuộc diện', 'Đã đánh giá', 'Đạt chuẩn', 'Tỷ lệ'], 'bold')
  for (const group of Object.keys(GROUP_LABELS) as (keyof typeof GROUP_LABELS)[]) {
    const g = summary.certifications[group]
    row([GROUP_LABELS[group], n(g.eligible), n(g.assessed), n(g.certified), percent(g.rate)])
  }
  doc.moveDown(0.5)
  const m = summary.meetings
  const r = summary.reeducation
  const figures: [string, number][] = [
    ['Hội nghị lắng nghe ý kiến nhân dân', m.forums],
    ['Ấp đã tổ chức hội nghị', m.hamletsCovered],
    ['Buổi lấy ý kiến ban, ngành, đoàn thể', m.consultations],
    ['Lượt người tham dự', m.attendees],
    ['Phiếu lấy ý kiến đã phát', m.formsDistributed],
    ['Phiếu thu về', m.formsReturned],
    ['Ý kiến của nhân dân', m.opinionsReceived],
    ['Tin báo về tội phạm', m.tipsReceived],
    ['Đối tượng được cảm hóa, giáo dục', r.reEducated],
    ['Đối tượng trở thành người tốt', r.reformed],
    ['Đối tượng đưa vào diện quản lý', r.underManagement],
  ]
  for (const [label, value] of figures) row([label, '', '', n(value)])

  if (sent) {
    doc.moveDown()
    doc
      .font('bold')
      .fontSize(12)
      .text('III. THÔNG TIN GỬI BÁO CÁO', doc.page.margins.left, undefined, LAYOUT)
    doc.font('regular').fontSize(11)
    const lines = [
      `Phiên bản: ${sent.version}`,
      `Người gửi: ${sent.submittedBy.name}`,
      `Thời điểm gửi: ${vietnamTime(sent.submittedAt)}`,
      `Hạn gửi: ${vietnamDate(sent.deadline)} (${sent.onTime ? 'đúng hạn' : 'quá hạn'})`,
      `Trạng thái: ${STATUS[sent.status]}${sent.decidedBy && sent.decidedAt ? ` (${sent.decidedBy.name}, ${vietnamTime(sent.decidedAt)})` : ''}`,
      ...(sent.reason ? [`Lý do: ${sent.reason}`] : []),
      `Mã băm SHA-256 của số liệu đã gửi: ${sent.snapshotSha256}`,
    ]
    for (const line of lines) doc.text(line, { ...LAYOUT, width })
  }
  doc.end()
  return done
}
