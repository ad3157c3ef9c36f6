// The project's own description of GMC's GetDoctorsForDB service, written from the interface
// facts in docs/rules.md §2.2 (our one operation, SOAP 1.1 and 1.2 bindings). It lives in a
// .ts module rather than a .wsdl file so that it travels with the compiled code: tsc copies
// no data files, and the client must never fetch the WSDL from GMC_URL. A contract test
// compares it with the WSDL GMC publishes.

export const GMC_NAMESPACE = 'https://webcache.gmc-uk.org/GMCWebServices/';
export const GET_DOCTORS_FOR_DB_ACTION = `${GMC_NAMESPACE}GetDoctorsForDB`;

/** Placeholder endpoint: the real one always comes from GMC_URL. */
const DEFAULT_LOCATION = 'https://webcache.gmc-uk.org/GMCWebServices/WebService.asmx';

/** Field order of one doctor in the response, as the schema's xs:sequence fixes it. */
export const DOCTOR_FIELDS = [
  'GMCReferenceNumber',
  'DoctorFirstName',
  'DoctorLastName',
  'SubmissionDate',
  'DoctorStatus',
  'Breach',
  'DateAdded',
  'UnderNotice',
  'Investigation',
  'PreliminaryInvestigation',
  'Sanction',
] as const;

export type DoctorField = (typeof DOCTOR_FIELDS)[number];

function optionalStrings(names: readonly string[], indent: string): string {
  return names
    .map(
      (name) => `${indent}<s:element minOccurs="0" maxOccurs="1" name="${name}" type="s:string"/>`,
    )
    .join('\n');
}

function binding(name: string, prefix: 'soap' | 'soap12'): string {
  return `  <wsdl:binding name="${name}" type="tns:GMCWebServicesSoap">
    <${prefix}:binding transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="GetDoctorsForDB">
      <${prefix}:operation soapAction="${GET_DOCTORS_FOR_DB_ACTION}" style="document"/>
      <wsdl:input><${prefix}:body use="literal"/></wsdl:input>
      <wsdl:output><${prefix}:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>`;
}

export const GMC_WSDL = `<?xml version="1.0" encoding="utf-8"?>
<wsdl:definitions xmlns:s="http://www.w3.org/2001/XMLSchema"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"
    xmlns:tns="${GMC_NAMESPACE}"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    targetNamespace="${GMC_NAMESPACE}">
  <wsdl:types>
    <s:schema elementFormDefault="qualified" targetNamespace="${GMC_NAMESPACE}">
      <s:element name="GetDoctorsForDB">
        <s:complexType>
          <s:sequence>
            <s:element minOccurs="0" maxOccurs="1" name="request" type="tns:GetDoctorsForDBRequest"/>
${optionalStrings(['Username', 'Password'], '            ')}
          </s:sequence>
        </s:complexType>
      </s:element>
      <s:complexType name="GetDoctorsForDBRequest">
        <s:sequence>
${optionalStrings(['DesignatedBodyCode', 'ClientRequestID', 'InternalUser'], '          ')}
        </s:sequence>
      </s:complexType>
      <s:element name="GetDoctorsForDBResponse">
        <s:complexType>
          <s:sequence>
            <s:element minOccurs="0" maxOccurs="1" name="GetDoctorsForDBResult" type="tns:GetDoctorsForDBResponseCT"/>
          </s:sequence>
        </s:complexType>
      </s:element>
      <s:complexType name="GetDoctorsForDBResponseCT">
        <s:sequence>
          <s:element minOccurs="0" maxOccurs="1" name="Doctors" type="tns:ArrayOfGetDoctorsForDBResponse_Doctor"/>
${optionalStrings(['ClientRequestID', 'GMCRequestID', 'ReturnCode'], '          ')}
        </s:sequence>
      </s:complexType>
      <s:complexType name="ArrayOfGetDoctorsForDBResponse_Doctor">
        <s:sequence>
          <s:element minOccurs="0" maxOccurs="unbounded" name="GetDoctorsForDBResponse_Doctor" nillable="true" type="tns:GetDoctorsForDBResponse_Doctor"/>
        </s:sequence>
      </s:complexType>
      <s:complexType name="GetDoctorsForDBResponse_Doctor">
        <s:sequence>
${optionalStrings(DOCTOR_FIELDS, '          ')}
        </s:sequence>
      </s:complexType>
    </s:schema>
  </wsdl:types>
  <wsdl:message name="GetDoctorsForDBSoapIn">
    <wsdl:part name="parameters" element="tns:GetDoctorsForDB"/>
  </wsdl:message>
  <wsdl:message name="GetDoctorsForDBSoapOut">
    <wsdl:part name="parameters" element="tns:GetDoctorsForDBResponse"/>
  </wsdl:message>
  <wsdl:portType name="GMCWebServicesSoap">
    <wsdl:operation name="GetDoctorsForDB">
      <wsdl:input message="tns:GetDoctorsForDBSoapIn"/>
      <wsdl:output message="tns:GetDoctorsForDBSoapOut"/>
    </wsdl:operation>
  </wsdl:portType>
${binding('GMCWebServicesSoap', 'soap')}
${binding('GMCWebServicesSoap12', 'soap12')}
  <wsdl:service name="GMCWebServices">
    <wsdl:port name="GMCWebServicesSoap" binding="tns:GMCWebServicesSoap">
      <soap:address location="${DEFAULT_LOCATION}"/>
    </wsdl:port>
    <wsdl:port name="GMCWebServicesSoap12" binding="tns:GMCWebServicesSoap12">
      <soap12:address location="${DEFAULT_LOCATION}"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
`;
