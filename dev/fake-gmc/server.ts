// A fake GMC web service for tests, benchmarks and the demo: the soap package's server
// side behind the project's own WSDL, answering GetDoctorsForDB from seeded synthetic
// lists the way GMC's ASP.NET service does, with faults that can be injected per
// designated body. HTTP-level faults (500, truncated or broken bodies, delays) are made
// around the SOAP server; answer-level ones (return codes, SOAP faults, empty lists)
// inside the service method.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServerless, type Server as SoapServer } from 'soap';
import designatedBodyTable from '../../processors/rules/designated-bodies.json';
import { GMC_WSDL } from '../../processors/platform/gmc-soap/wsdl';
import { gmcWsdl } from '../../processors/platform/gmc-soap/wsdl-client';
import { applyControl, controlCommandSchema } from './control';
import { FaultBook, type GmcFault } from './faults';
import { GmcLists } from './lists';
import type { GmcWireDoctor } from './synthetic';

/** Every designated body of the built-in programme owner table (docs/rules.md §2.3). */
export const ENGLISH_AND_NI_DESIGNATED_BODIES: readonly string[] = Object.keys(designatedBodyTable);

export const SERVICE_PATH = '/GMCWebServices/WebService.asmx';
export const CONTROL_PATH = '/fake-gmc/control';
export const STATE_PATH = '/fake-gmc/state';
const FAULT_HEADER = 'x-fake-gmc-call';

export interface FakeGmcOptions {
  designatedBodies?: readonly string[];
  doctorsPerBody?: number;
  seed?: number;
  /** When set, other credentials get return code 99, as GMC answers them. */
  username?: string;
  password?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

interface GetDoctorsForDbArgs {
  request?: { DesignatedBodyCode?: string; ClientRequestID?: string };
  Username?: string;
  Password?: string;
}

const HTML_ERROR_PAGE =
  "<!DOCTYPE html><html><head><title>Runtime Error</title></head><body><h1>Server Error in '/GMCWebServices' Application.</h1></body></html>";

export class FakeGmc {
  readonly lists: GmcLists;
  readonly faults = new FaultBook();
  private readonly calls = new Map<string, number>();
  private readonly faultOfCall = new Map<string, GmcFault | undefined>();
  private readonly pendingDelays = new Set<NodeJS.Timeout>();
  private gmcRequestId = 0;
  private http?: Server;
  private soap?: SoapServer;
  url = '';

  private constructor(private readonly options: FakeGmcOptions) {
    this.lists = new GmcLists(
      options.designatedBodies ?? ENGLISH_AND_NI_DESIGNATED_BODIES,
      options.doctorsPerBody ?? 100,
      options.seed ?? 1,
    );
  }

  static async start(options: FakeGmcOptions = {}): Promise<FakeGmc> {
    const fake = new FakeGmc(options);
    await fake.listen();
    return fake;
  }

  /** GetDoctorsForDB calls received for a body, counting every retry. */
  callCount(designatedBody: string): number {
    return this.calls.get(designatedBody) ?? 0;
  }

  setFault(designatedBody: string, fault: GmcFault): void {
    this.faults.set(designatedBody, fault);
  }

  clearFaults(designatedBody?: string): void {
    this.faults.clear(designatedBody);
  }

  async stop(): Promise<void> {
    for (const timer of this.pendingDelays) clearTimeout(timer);
    this.pendingDelays.clear();
    const http = this.http;
    if (!http) return;
    this.http = undefined;
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
  }

  private async listen(): Promise<void> {
    const service = { GetDoctorsForDB: this.getDoctorsForDb.bind(this) };
    this.soap = await createServerless({
      path: SERVICE_PATH,
      xml: GMC_WSDL,
      // Both ports share one address, so both bindings answer with the same method.
      services: { GMCWebServices: { GMCWebServicesSoap: service, GMCWebServicesSoap12: service } },
    });
    const http = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.http = http;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    const address = http.address() as AddressInfo;
    this.url = `http://${address.address}:${address.port}${SERVICE_PATH}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake-gmc');
    if (req.method === 'GET' && url.pathname === SERVICE_PATH && /^\?wsdl/i.test(url.search)) {
      return send(res, 200, 'text/xml; charset=utf-8', GMC_WSDL);
    }
    if (req.method === 'GET' && url.pathname === STATE_PATH) {
      return send(
        res,
        200,
        'application/json',
        JSON.stringify({ designatedBodies: this.lists.counts() }),
      );
    }
    if (req.method === 'POST' && url.pathname === CONTROL_PATH) return this.control(req, res);
    if (req.method === 'POST' && url.pathname === SERVICE_PATH) return this.soapCall(req, res);
    return send(res, 404, 'text/plain', 'not found');
  }

  private async control(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const command = controlCommandSchema.parse(JSON.parse(await readBody(req)));
      const result = applyControl(command, this.lists, this.faults);
      send(res, 200, 'application/json', JSON.stringify({ ok: true, ...result }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      send(res, 400, 'application/json', JSON.stringify({ ok: false, error: message }));
    }
  }

  private async soapCall(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const xml = await readBody(req);
    const designatedBody = await designatedBodyOf(xml);
    const fault = designatedBody === undefined ? undefined : this.faults.take(designatedBody);
    if (designatedBody !== undefined) {
      this.calls.set(designatedBody, this.callCount(designatedBody) + 1);
    }
    if (fault?.kind === 'delay') await this.delay(fault.ms);
    if (fault?.kind === 'http500')
      return send(res, 500, 'text/html; charset=utf-8', HTML_ERROR_PAGE);
    if (fault?.kind === 'malformed') {
      return send(
        res,
        200,
        'text/xml; charset=utf-8',
        '<?xml version="1.0"?><soap:Envelope><soap:Body><Doctors></soap:Body>',
      );
    }
    const callId = randomUUID();
    this.faultOfCall.set(callId, fault);
    try {
      const answer = await this.soap!.processRequest(xml, {
        url: req.url,
        method: 'POST',
        headers: { ...req.headers, [FAULT_HEADER]: callId },
      });
      // Half an answer with an honest Content-Length: a proxy or GMC itself cut the XML.
      const body =
        fault?.kind === 'truncated' ? answer.body.slice(0, answer.body.length >> 1) : answer.body;
      send(res, answer.statusCode, String(answer.headers['content-type'] ?? 'text/xml'), body);
    } finally {
      this.faultOfCall.delete(callId);
    }
  }

  private getDoctorsForDb(
    args: GetDoctorsForDbArgs,
    _callback: unknown,
    _headers: unknown,
    req: { headers: Record<string, string> },
  ) {
    const fault = this.faultOfCall.get(req.headers[FAULT_HEADER]);
    const designatedBody = args.request?.DesignatedBodyCode ?? '';
    const answer = (returnCode: string, doctors?: GmcWireDoctor[]) => ({
      GetDoctorsForDBResult: {
        // GMC leaves Doctors out of a failed answer.
        ...(doctors ? { Doctors: { GetDoctorsForDBResponse_Doctor: doctors } } : {}),
        ClientRequestID: args.request?.ClientRequestID ?? '',
        GMCRequestID: String(++this.gmcRequestId),
        ReturnCode: returnCode,
      },
    });
    const { username, password } = this.options;
    if (
      (username !== undefined && args.Username !== username) ||
      (password !== undefined && args.Password !== password)
    ) {
      return answer('99');
    }
    if (fault?.kind === 'soapFault') {
      throw {
        Fault: {
          faultcode: 'soap:Server',
          faultstring:
            'Server was unable to process request. ---> System.Data.SqlClient.SqlException: Timeout expired.',
          statusCode: 500,
        },
      };
    }
    if (fault?.kind === 'returnCode') return answer(fault.returnCode);
    if (!this.lists.has(designatedBody)) return answer('80');
    if (fault?.kind === 'emptyList') return answer('0', []);
    return answer('0', this.lists.list(designatedBody));
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pendingDelays.delete(timer);
        resolve();
      }, ms);
      this.pendingDelays.add(timer);
    });
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Which body a request asks for, read before the SOAP server sees it to pick the fault. */
async function designatedBodyOf(xml: string): Promise<string | undefined> {
  try {
    const parsed = (await gmcWsdl()).xmlToObject(xml) as {
      Body?: { GetDoctorsForDB?: GetDoctorsForDbArgs };
    };
    return parsed.Body?.GetDoctorsForDB?.request?.DesignatedBodyCode;
  } catch {
    return undefined;
  }
}
