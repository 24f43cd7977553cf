// The language of problem texts: English unless the caller's Accept-Language prefers Vietnamese
// (`vi`, `vi-VN`, …, by quality). Only the texts change; a problem's `code` never does.
import type { FastifyRequest } from 'fastify'
import type { FieldError } from './errors.js'
import { VI_DETAILS, VI_TITLES } from './messages.vi.js'

export type Language = 'en' | 'vi'

export function languageOf(request: FastifyRequest): Language {
  let best: Language = 'en'
  let bestQuality = 0
  for (const part of (request.headers['accept-language'] ?? '').split(',')) {
    const [tag = '', ...parameters] = part.trim().toLowerCase().split(';')
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const quality = q ? Number(q.slice(2)) : 1
    const language =
      tag === 'vi' || tag.startsWith('vi-')
        ? 'vi'
        : tag === 'en' || tag.startsWith('en-') || tag === '*'
          ? 'en'
          : undefined
    if (language && quality > bestQuality) {
      best = language
      bestQuality = quality
    }
  }
  return best
}

/** The title, detail and field errors of a problem in `language`. */
export function inLanguage(
  language: Language,
  problem: {
    status: number
    code: string
    title: string
    detail: string
    errors?: FieldError[] | undefined
  },
) {
  if (language === 'en') return problem
  return {
    ...problem,
    title: VI_TITLES[problem.status] ?? problem.title,
    detail: VI_DETAILS[problem.code] ?? problem.detail,
    ...(problem.errors
      ? {
          errors: problem.errors.map((error) => ({
            ...error,
            detail: VI_DETAILS[error.code] ?? VI_FIELD_DETAILS[error.code] ?? error.detail,
          })),
        }
      : {}),
  }
}

/** Field errors of the request's shape (JSON Schema keywords). */
const VI_FIELD_DETAILS: Record<string, string> = {
  REQUIRED: 'là trường bắt buộc',
  TYPE: 'sai kiểu dữ liệu',
  ENUM: 'không thuộc các giá trị cho phép',
  FORMAT: 'sai định dạng',
  MINIMUM: 'nhỏ hơn giá trị tối thiểu',
  MAXIMUM: 'lớn hơn giá trị tối đa',
  MIN_LENGTH: 'quá ngắn',
  MAX_LENGTH: 'quá dài',
  PATTERN: 'không đúng mẫu',
  MIN_ITEMS: 'quá ít phần tử',
  MAX_ITEMS: 'quá nhiều phần tử',
  MIN_PROPERTIES: 'cần ít nhất một trường',
  UNIQUE_ITEMS: 'có phần tử trùng lặp',
}
