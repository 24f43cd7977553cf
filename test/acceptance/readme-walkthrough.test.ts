// The README's five-minute walkthrough, run as written: its curl commands are read from the README
// and sent to the real app over the bundled national list (the province they touch), so the
// walkthrough cannot drift from the service.
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { importGsoUnits, readGsoFile } from '../../src/modules/units/index.js'
import { createTestApp, type TestApp } from '../support/app.js'

interface Command {
  method: string
  url: string
  headers: Record<string, string>
  body?: string
}

/** Shell words of one line: single and double quotes, `$NAME` expanded from `variables`. */
function words(line: string, variables: Record<string, string>): string[] {
  const out: string[] = []
  const pattern = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g
  for (const [, single, double, bare] of line.matchAll(pattern)) {
    const expand = (text: string) =>
      text.replace(/\$(\w+)/g, (_, name: string) => variables[name] ?? '')
    out.push(single ?? expand(double ?? bare!))
  }
  return out
}

function parseCurl(args: string[]): Command {
  const command: Command = { method: 'GET', url: '', headers: {} }
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '-s') continue
    if (arg === '-X') command.method = args[++i]!
    else if (arg === '-H') {
      const [name, ...value] = args[++i]!.split(':')
      command.headers[name!.trim().toLowerCase()] = value.join(':').trim()
    } else if (arg === '-d') command.body = args[++i]!
    else command.url = arg
  }
  return command
}

async function walkthrough(): Promise<Command[]> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  const section = readme.split('## Five-minute walkthrough')[1]!
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!
  const variables: Record<string, string> = {}
  const commands: Command[] = []
  for (const line of block.split('\n').filter(Boolean)) {
    const assignment = /^(\w+)=(.*)$/.exec(line)
    if (assignment) variables[assignment[1]!] = words(assignment[2]!, variables).join(' ')
    else commands.push(parseCurl(words(line, variables)))
  }
  return commands
}

let t: TestApp
let commands: Command[]
beforeAll(async () => {
  commands = await walkthrough()
  const admin = /Bearer (\S+)/.exec(commands[0]!.headers.authorization ?? '')![1]!
  t = await createTestApp({ ADMIN_API_KEY: admin })
  const list = await readGsoFile()
  await importGsoUnits(
    t.database.db,
    { data: list.data.filter((p) => p.level1_id === '89') },
    '2025-03-01',
    { keyId: null, name: 'test', requestId: null },
  )
})
afterAll(() => t.close())

describe('the README walkthrough', () => {
  it('runs every command as written, and the report shows what it recorded', async () => {
    expect(commands.map((c) => c.method)).toEqual([
      'POST',
      'GET',
      'POST',
      'PUT',
      'POST',
      'GET',
      'GET',
    ])
    const answers = []
    for (const command of commands) {
      const url = new URL(command.url)
      expect(`${url.host}`).toBe('127.0.0.1:3000')
      const response = await t.app.inject({
        method: command.method as 'GET',
        url: `${url.pathname}${url.search}`,
        headers: command.headers,
        ...(command.body !== undefined ? { payload: command.body } : {}),
      })
      expect({ command: command.url, status: response.statusCode }).toEqual({
        command: command.url,
        status: command.method === 'GET' ? 200 : 201,
      })
      answers.push(response)
    }
    const [key, found, , , , report, csv] = answers
    expect(key!.json().role).toBe('editor')
    expect(found!.json().items.map((u: { code: string }) => u.code)).toEqual(['893'])
    const summary = report!.json()
    expect(summary.certifications.hamlet).toEqual({
      eligible: 1,
      assessed: 1,
      certified: 1,
      rate: 1,
    })
    expect(summary.meetings).toMatchObject({ forums: 1, hamletsCovered: 1, attendees: 120 })
    expect(csv!.headers['content-type']).toMatch(/^text\/csv/)
    expect(csv!.payload).toContain('Huyện Chợ Mới')
  })
})
