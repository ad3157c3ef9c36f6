// Our hand-written WSDL against the one GMC publishes: namespace, operation, element names
// and order, occurrence and types, SOAP actions and style for SOAP 1.1 and 1.2.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { WSDL } from 'soap';
import { projectRoot } from '../paths';
import { GET_DOCTORS_FOR_DB_ACTION, GMC_NAMESPACE, GMC_WSDL } from './wsdl';

const REFERENCE = resolve(projectRoot(), '../shared/reference/gmc/FullGMCConnect.wsdl');

interface Node {
  name: string;
  $name?: string;
  $type?: string;
  $minOccurs?: string;
  $maxOccurs?: string;
  $nillable?: string;
  children?: Node[];
}

function sequenceOf(node: Node): string[] {
  const found: string[] = [];
  const walk = (n: Node) => {
    if (n.name === 'element' && n !== node) {
      found.push(
        `${n.$name} ${n.$type} ${n.$minOccurs ?? 1}..${n.$maxOccurs ?? 1}${n.$nillable === 'true' ? ' nillable' : ''}`,
      );
      return;
    }
    n.children?.forEach(walk);
  };
  walk(node);
  return found;
}

async function load(xml: string): Promise<WSDL> {
  const wsdl = new WSDL(xml, 'contract.wsdl', {});
  await new Promise<void>((ok, fail) => wsdl.onReady((error) => (error ? fail(error) : ok())));
  return wsdl;
}

/** The part of a WSDL that GetDoctorsForDB depends on, as comparable plain data. */
function contract(wsdl: WSDL) {
  const d = wsdl.definitions as unknown as {
    $targetNamespace: string;
    schemas: Record<
      string,
      {
        $elementFormDefault: string;
        elements: Record<string, Node>;
        complexTypes: Record<string, Node>;
      }
    >;
    messages: Record<string, { element: { $name: string; targetNamespace: string } }>;
    portTypes: Record<
      string,
      { methods: Record<string, { input: { $name: string }; output: { $name: string } }> }
    >;
    bindings: Record<
      string,
      {
        style: string;
        transport: string;
        methods: Record<string, { soapAction: string; style: string }>;
      }
    >;
  };
  const schema = d.schemas[d.$targetNamespace];
  const binding = (name: string) => {
    const b = d.bindings[name];
    return {
      transport: b.transport,
      style: b.methods.GetDoctorsForDB.style,
      soapAction: b.methods.GetDoctorsForDB.soapAction,
    };
  };
  const operation = d.portTypes.GMCWebServicesSoap.methods.GetDoctorsForDB;
  return {
    targetNamespace: d.$targetNamespace,
    elementFormDefault: schema.$elementFormDefault,
    messages: {
      in: d.messages.GetDoctorsForDBSoapIn.element.$name,
      out: d.messages.GetDoctorsForDBSoapOut.element.$name,
      namespace: d.messages.GetDoctorsForDBSoapIn.element.targetNamespace,
    },
    operation: { input: operation.input.$name, output: operation.output.$name },
    elements: {
      GetDoctorsForDB: sequenceOf(schema.elements.GetDoctorsForDB),
      GetDoctorsForDBResponse: sequenceOf(schema.elements.GetDoctorsForDBResponse),
    },
    types: Object.fromEntries(
      [
        'GetDoctorsForDBRequest',
        'GetDoctorsForDBResponseCT',
        'ArrayOfGetDoctorsForDBResponse_Doctor',
        'GetDoctorsForDBResponse_Doctor',
      ].map((name) => [name, sequenceOf(schema.complexTypes[name])]),
    ),
    soap11: binding('GMCWebServicesSoap'),
    soap12: binding('GMCWebServicesSoap12'),
  };
}

const present = existsSync(REFERENCE);
if (!present) {
  console.warn(`GMC WSDL contract test skipped: the reference WSDL is not at ${REFERENCE}`);
}

(present ? describe : describe.skip)('the project WSDL honours GMC’s published contract', () => {
  it('matches GetDoctorsForDB in namespace, operation, elements and their order, and SOAP actions', async () => {
    const ours = contract(await load(GMC_WSDL));
    const theirs = contract(await load(readFileSync(REFERENCE, 'utf8')));
    expect(ours).toEqual(theirs);
    // Guard against both sides being empty in the same way.
    expect(theirs.targetNamespace).toBe(GMC_NAMESPACE);
    expect(theirs.soap11.soapAction).toBe(GET_DOCTORS_FOR_DB_ACTION);
    expect(theirs.types.GetDoctorsForDBResponse_Doctor).toHaveLength(11);
    expect(theirs.elements.GetDoctorsForDB).toEqual([
      'request tns:GetDoctorsForDBRequest 0..1',
      'Username s:string 0..1',
      'Password s:string 0..1',
    ]);
  });
});
