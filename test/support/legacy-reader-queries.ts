// The search requests today's readers of the legacy views send, rebuilt as the Elasticsearch
// JSON their clients put on the wire (docs/readers.md §2, §5, §6), so the tests can run them
// unchanged against the es-sink's legacy projection.
//
// Sources, read from the mirrored repositories at the commits of docs/readers.md §1:
//   - connection service, Health-Education-England/tis-revalidation-connection @ 5e37423f7019aa474c4a5e2c2062e0fa9db5d73a
//     (Spring Boot 2.4.5 → Spring Data Elasticsearch 4.1.x, 7.9.x RestHighLevelClient);
//   - recommendation service, Health-Education-England/tis-revalidation-recommendation @ 6dc4e9e5b65f8b397cf505ddcd95f90feb321534
//     (Spring Boot 2.5.6 parent → Spring Data Elasticsearch 4.2.x, 7.12.x RestHighLevelClient);
//   - spring-projects/spring-data-elasticsearch at tags 4.1.8 (6f8ad00dfae75facd6dad457482389de2f647883)
//     and 4.2.6 (f16f70ff0f488bb743c76b994fef5870e0a525b2): core/RequestFactory.java
//     (prepareSearchRequest, getSortBuilder, getQuery), core/query/AbstractQuery.java,
//     repository/query/ElasticsearchStringQuery.java, repository/support/StringQueryUtil.java.
// The 7.x query builders' JSON (which defaults they print) was read from Elasticsearch 7.x
// sources in the public code index (MatchQueryBuilder, MatchPhraseQueryBuilder,
// WildcardQueryBuilder, RangeQueryBuilder, NestedQueryBuilder, WrapperQueryBuilder), not at
// the exact client patch versions, which docs/readers.md §10 could not establish either.
import { Buffer } from 'node:buffer';

/** The class a reader maps each hit's `_source` to (legacy-reader-entities.ts checks them). */
export type ReaderEntity = 'CurrentConnectionsView' | 'MasterDoctorView' | 'RecommendationView';

export type Json = Record<string, unknown>;

/** One `POST /<index>/_search` as the reader's client sends it. */
export interface ReaderRequest {
  /** C1–C3, R1–R3 (docs/readers.md §5.3, §6.2). */
  reader: string;
  /** The index or alias searched (unprefixed names are the readers' own). */
  index: string;
  /** URL parameters. */
  querystring: Record<string, string>;
  /** The search source, exactly as the 7.x client serialises it. */
  body: Json;
  entity: ReaderEntity;
  /** R1–R3 only: the repository's @Query text after Spring Data filled its placeholders. */
  filledQuery?: string;
}

/** The aliases the readers name; the tests pass the harness's prefixed ones. */
export interface LegacyIndexNames {
  current_connections: string;
  discrepancies: string;
  recommendations: string;
}

export const READERS_INDEX_NAMES: LegacyIndexNames = {
  current_connections: 'current_connections',
  discrepancies: 'discrepancies',
  recommendations: 'recommendations',
};

// ---------------------------------------------------------------------------------------
// The 7.x QueryBuilders' JSON. Each builder prints its defaults explicitly (operator, slop,
// adjust_pure_negative, boost, ...); they are reproduced because that is what reaches the
// server, and an Elasticsearch 8 server must still accept them.
// ---------------------------------------------------------------------------------------

interface BoolClauses {
  must?: Json[];
  filter?: Json[];
  mustNot?: Json[];
  should?: Json[];
  /** `minimumShouldMatch(int)` stores the number as a string. */
  minimumShouldMatch?: number;
}

/** BoolQueryBuilder.doXContent: only non-empty clause arrays, then adjust_pure_negative. */
export function bool({ must, filter, mustNot, should, minimumShouldMatch }: BoolClauses): Json {
  const body: Json = {};
  if (must?.length) body.must = must;
  if (filter?.length) body.filter = filter;
  if (mustNot?.length) body.must_not = mustNot;
  if (should?.length) body.should = should;
  body.adjust_pure_negative = true;
  if (minimumShouldMatch !== undefined) body.minimum_should_match = String(minimumShouldMatch);
  body.boost = 1.0;
  return { bool: body };
}

/** MatchQueryBuilder with its defaults (OR, no fuzziness, zero_terms_query NONE). */
export function match(field: string, query: string): Json {
  return {
    match: {
      [field]: {
        query,
        operator: 'OR',
        prefix_length: 0,
        max_expansions: 50,
        fuzzy_transpositions: true,
        lenient: false,
        zero_terms_query: 'NONE',
        auto_generate_synonyms_phrase_query: true,
        boost: 1.0,
      },
    },
  };
}

/** MatchPhraseQueryBuilder `.zeroTermsQuery(ZeroTermsQuery.ALL)`, as every reader uses it. */
export function matchPhraseAll(field: string, query: string): Json {
  return { match_phrase: { [field]: { query, slop: 0, zero_terms_query: 'ALL', boost: 1.0 } } };
}

export function wildcard(field: string, value: string): Json {
  return { wildcard: { [field]: { wildcard: value, boost: 1.0 } } };
}

/** RangeQueryBuilder `.gte(from).lte(to)`: printed as from/to/include_*; an unset end is null. */
export function range(field: string, from: string | null, to: string | null): Json {
  return {
    range: {
      [field]: { from, to, include_lower: true, include_upper: true, boost: 1.0 },
    },
  };
}

/** `nestedQuery(path, query, ScoreMode.None).ignoreUnmapped(true)`. */
export function nestedNone(path: string, query: Json): Json {
  return { nested: { query, path, ignore_unmapped: true, score_mode: 'none', boost: 1.0 } };
}

export function terms(field: string, values: string[]): Json {
  return { terms: { [field]: values, boost: 1.0 } };
}

/** WrapperQueryBuilder(String): the UTF-8 bytes of the query text, base64 in JSON. */
export function wrapper(queryText: string): Json {
  return { wrapper: { query: Buffer.from(queryText, 'utf8').toString('base64') } };
}

// ---------------------------------------------------------------------------------------
// What Spring Data Elasticsearch adds (RequestFactory.prepareSearchRequest, both versions):
//   from/size from the Pageable (unpaged: 0 and 10,000), `version: true`, one plain field
//   sort per Sort.Order ({field: {order}}; no unmapped_type, no missing: getSortBuilder sets
//   `missing` only for an explicit NullHandling, which no reader uses), and 4.2 only
//   `explain: false`. track_scores false is not printed; track_total_hits is not set (the
//   query's trackTotalHits and trackTotalHitsUpTo are null), so the server's default (exact
//   up to 10,000) applies. searchType defaults to DFS_QUERY_THEN_FETCH (AbstractQuery),
//   which the client sends as the search_type URL parameter with typed_keys=true. The
//   client's other URL parameters (indices options, ccs_minimize_roundtrips,
//   batched_reduce_size) were not established at the exact client version; none of them
//   changes which documents match or how they sort, so they are left out.
// ---------------------------------------------------------------------------------------

export interface SortOrder {
  field: string;
  order: 'asc' | 'desc';
}

type Paging = { page: number; size: number } | 'unpaged';

const SEARCH_PARAMS = { typed_keys: 'true', search_type: 'dfs_query_then_fetch' };

function searchSource(
  query: Json,
  paging: Paging,
  sort: SortOrder[],
  springData: '4.1' | '4.2',
): Json {
  const body: Json =
    paging === 'unpaged'
      ? { from: 0, size: 10_000 }
      : { from: paging.page * paging.size, size: paging.size };
  body.query = query;
  body.version = true;
  if (springData === '4.2') body.explain = false;
  if (sort.length > 0) body.sort = sort.map(({ field, order }) => ({ [field]: { order } }));
  return body;
}

// ---------------------------------------------------------------------------------------
// Connection service: C1, C2, C3 (controller/ConnectionController.java,
// service/ConnectedElasticSearchService.java, service/DiscrepanciesElasticSearchService.java,
// service/ElasticsearchQueryHelper.java, service/util/EsQueryUtils.java,
// service/StringConverter.java).
// ---------------------------------------------------------------------------------------

/** The controller's page size: `PageRequest.of(pageNumber, 20, ...)`. */
export const CONNECTION_PAGE_SIZE = 20;

export interface ConnectionListParams {
  /** Default `gmcReferenceNumber`; not validated. */
  sortColumn?: string;
  /** `asc` (any case) is ascending, anything else descending; default `desc`. */
  sortOrder?: string;
  pageNumber?: number;
  /** The UI sends the user's designated bodies, e.g. `1-AIIDHJ`. */
  dbcs: string[];
  programmeName?: string | null;
  searchQuery?: string;
  /** `yyyy-MM-dd` (the controller parses ISO dates; LocalDate.toString prints them back). */
  membershipEndDateFrom?: string;
  membershipEndDateTo?: string;
  submissionDateFrom?: string;
  submissionDateTo?: string;
  lastConnectionDateTimeFrom?: string;
  lastConnectionDateTimeTo?: string;
  updatedBy?: string;
}

export interface DiscrepancyListParams extends ConnectionListParams {
  tisDesignatedBodies: string[];
}

export type HiddenDiscrepancyListParams = Pick<
  ConnectionListParams,
  'sortColumn' | 'sortOrder' | 'pageNumber' | 'dbcs' | 'programmeName' | 'searchQuery'
>;

/** ElasticsearchQueryHelper.formatDesignatedBodyCodesForElasticsearchQuery (and the
 * recommendation service's copy): lower-case, drop every "1-", join with spaces. */
export function formatDesignatedBodyCodes(codes: string[]): string {
  return codes.map((code) => code.toLowerCase().replaceAll('1-', '')).join(' ');
}

const KEYWORD_SORT_FIELDS = [
  'designatedBody',
  'tcsDesignatedBody',
  'programmeOwner',
  'membershipType',
  'updatedBy',
];

/** ElasticsearchQueryHelper.formatSortFieldForElasticsearchQuery. */
export function formatSortField(sortColumn: string): string {
  return KEYWORD_SORT_FIELDS.includes(sortColumn) ? `${sortColumn}.keyword` : sortColumn;
}

/** Spring's StringUtils.hasText. */
function hasText(text: string | null | undefined): text is string {
  return typeof text === 'string' && /\S/.test(text);
}

// StringConverter, as the controller chains it. Java's trim() drops chars <= U+0020;
// URLDecoder.decode is approximated by decodeURIComponent after '+' → ' ' (the same for the
// plain text the tests send), and a malformed escape leaves the text as it was.
function filterInvisible(text: string): string {
  return text.replace(/\p{C}/gu, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
}
function fromJson(text: string): string {
  return text.replace(/^"(.*)"$/, '$1');
}
function decodeUrl(text: string): string {
  try {
    return filterInvisible(decodeURIComponent(text.replace(/\+/g, ' ')));
  } catch {
    return text;
  }
}
function escapeWith(text: string, special: string): string {
  return [...text].map((c) => (special.includes(c) ? `\\${c}` : c)).join('');
}
/** Lucene's QueryParserBase.escape. */
const LUCENE_SPECIAL = '\\+-!():^[]"{}~*?|&/';
const SQL_SPECIAL = '\\"\'%_';

/**
 * The controller's two passes: `searchQuery` is first escaped for SQL, and the Elasticsearch
 * text is made from that already-escaped value, then Lucene-escaped and lower-cased.
 */
export function connectionServiceSearchText(searchQuery: string): string {
  const forSql = escapeWith(decodeUrl(fromJson(filterInvisible(searchQuery))), SQL_SPECIAL);
  const forEs = escapeWith(decodeUrl(fromJson(filterInvisible(forSql))), LUCENE_SPECIAL);
  return forEs.toLowerCase();
}

function connectionSort(sortColumn = 'gmcReferenceNumber', sortOrder = 'desc'): SortOrder[] {
  return [
    {
      field: formatSortField(sortColumn),
      order: sortOrder.toLowerCase() === 'asc' ? 'asc' : 'desc',
    },
  ];
}

function excludedMembershipAndGrade(): Json[] {
  return [
    bool({ mustNot: [match('membershipType', 'MILITARY')] }),
    bool({ mustNot: [match('placementGrade', '279')] }),
  ];
}

function searchClause(searchText: string): Json {
  return bool({
    should: [
      wildcard('doctorFirstName', `${searchText}*`),
      wildcard('doctorLastName', `${searchText}*`),
      wildcard('gmcReferenceNumber', `${searchText}*`),
    ],
    minimumShouldMatch: 1,
  });
}

/** EsQueryUtils.addDateRangeFilter: nothing when both ends are unset. */
function dateRange(field: string, from: string | null, to: string | null): Json[] {
  return from === null && to === null ? [] : [range(field, from, to)];
}

/** The filters C1 and C2 share after their designated-body clause (clauses 4–7). */
function listFilters(p: ConnectionListParams, searchText: string): Json[] {
  const filters: Json[] = [];
  if (hasText(p.programmeName)) filters.push(matchPhraseAll('programmeName', p.programmeName));
  if (hasText(searchText)) filters.push(searchClause(searchText));
  filters.push(
    ...dateRange(
      'membershipEndDate',
      p.membershipEndDateFrom ?? null,
      p.membershipEndDateTo ?? null,
    ),
    ...dateRange('submissionDate', p.submissionDateFrom ?? null, p.submissionDateTo ?? null),
    // EsQueryUtils.getDateTimeQueryFromRange: the day's 00:00:00.000 and 23:59:59.000, no zone.
    ...dateRange(
      'lastConnectionDateTime',
      p.lastConnectionDateTimeFrom ? `${p.lastConnectionDateTimeFrom}T00:00:00.000` : null,
      p.lastConnectionDateTimeTo ? `${p.lastConnectionDateTimeTo}T23:59:59.000` : null,
    ),
  );
  if (hasText(p.updatedBy)) filters.push(matchPhraseAll('updatedBy', p.updatedBy));
  return filters;
}

/**
 * Reproduces tis-revalidation-connection@5e37423 src/main/java/uk/nhs/hee/tis/revalidation/connection/
 * controller/ConnectionController.java (getSummaryConnected) and
 * service/ConnectedElasticSearchService.java (searchForConnectionPageWithFilters).
 * C1, GET /api/connections/connected → ConnectedElasticSearchService
 * .searchForConnectionPageWithFilters, read as CurrentConnectionsView (its @Document index,
 * `current_connections`). `dbcs` has no default in the controller: without it the service
 * fails (null list), so the UI always sends it.
 */
export function currentConnectionsRequest(
  p: ConnectionListParams,
  names: LegacyIndexNames = READERS_INDEX_NAMES,
): ReaderRequest {
  const searchText = connectionServiceSearchText(p.searchQuery ?? '');
  const filter = excludedMembershipAndGrade();
  const formattedDbcs = formatDesignatedBodyCodes(p.dbcs);
  if (hasText(formattedDbcs)) filter.push(match('designatedBody', formattedDbcs));
  filter.push(...listFilters(p, searchText));
  return {
    reader: 'C1',
    index: names.current_connections,
    querystring: SEARCH_PARAMS,
    body: searchSource(
      bool({ filter }),
      { page: p.pageNumber ?? 0, size: CONNECTION_PAGE_SIZE },
      connectionSort(p.sortColumn, p.sortOrder),
      '4.1',
    ),
    entity: 'CurrentConnectionsView',
  };
}

/**
 * Reproduces tis-revalidation-connection@5e37423 src/main/java/uk/nhs/hee/tis/revalidation/connection/
 * controller/ConnectionController.java (getSummaryDiscrepancies) and
 * service/DiscrepanciesElasticSearchService.java (searchForDiscrepanciesPageWithFilters).
 * C2, GET /api/connections/discrepancies (and /exception) → DiscrepanciesElasticSearchService
 * .searchForDiscrepanciesPageWithFilters on IndexCoordinates.of("discrepancies"), read as
 * MasterDoctorView. The hidden-discrepancy codes are a Java HashSet of `dbcs` and
 * `tisDesignatedBodies` as given; its iteration order is not reproduced (sorted here), which
 * a `terms` query does not care about.
 */
export function discrepanciesRequest(
  p: DiscrepancyListParams,
  names: LegacyIndexNames = READERS_INDEX_NAMES,
): ReaderRequest {
  const searchText = connectionServiceSearchText(p.searchQuery ?? '');
  const filter = excludedMembershipAndGrade();
  filter.push(
    bool({
      should: [
        match('designatedBody', formatDesignatedBodyCodes(p.dbcs)),
        match('tcsDesignatedBody', formatDesignatedBodyCodes(p.tisDesignatedBodies)),
      ],
      minimumShouldMatch: 1,
    }),
  );
  filter.push(...listFilters(p, searchText));
  const hiddenFor = [...new Set([...p.dbcs, ...p.tisDesignatedBodies])].sort();
  filter.push(
    bool({
      mustNot: [
        nestedNone(
          'hiddenDiscrepancies',
          bool({
            must: [terms('hiddenDiscrepancies.hiddenForDesignatedBodyCode.keyword', hiddenFor)],
          }),
        ),
      ],
    }),
  );
  return {
    reader: 'C2',
    index: names.discrepancies,
    querystring: SEARCH_PARAMS,
    body: searchSource(
      bool({ filter }),
      { page: p.pageNumber ?? 0, size: CONNECTION_PAGE_SIZE },
      connectionSort(p.sortColumn, p.sortOrder),
      '4.1',
    ),
    entity: 'MasterDoctorView',
  };
}

/**
 * Reproduces tis-revalidation-connection@5e37423 src/main/java/uk/nhs/hee/tis/revalidation/connection/
 * controller/ConnectionController.java (getSummaryHiddenDiscrepancies) and
 * service/DiscrepanciesElasticSearchService.java (searchForHiddenDiscrepanciesPageWithFilters).
 * C3, GET /api/connections/discrepancies/hidden → DiscrepanciesElasticSearchService
 * .searchForHiddenDiscrepanciesPageWithFilters on "discrepancies", read as MasterDoctorView.
 * No designated-body clause of its own: only the nested hidden-for codes, as given.
 */
export function hiddenDiscrepanciesRequest(
  p: HiddenDiscrepancyListParams,
  names: LegacyIndexNames = READERS_INDEX_NAMES,
): ReaderRequest {
  const searchText = connectionServiceSearchText(p.searchQuery ?? '');
  const filter = excludedMembershipAndGrade();
  if (hasText(searchText)) filter.push(searchClause(searchText));
  if (hasText(p.programmeName)) filter.push(matchPhraseAll('programmeName', p.programmeName));
  filter.push(
    bool({
      must: [
        nestedNone(
          'hiddenDiscrepancies',
          bool({
            must: [terms('hiddenDiscrepancies.hiddenForDesignatedBodyCode.keyword', p.dbcs)],
          }),
        ),
      ],
    }),
  );
  return {
    reader: 'C3',
    index: names.discrepancies,
    querystring: SEARCH_PARAMS,
    body: searchSource(
      bool({ filter }),
      { page: p.pageNumber ?? 0, size: CONNECTION_PAGE_SIZE },
      connectionSort(p.sortColumn, p.sortOrder),
      '4.1',
    ),
    entity: 'MasterDoctorView',
  };
}

// ---------------------------------------------------------------------------------------
// Recommendation service: R1, R2, R3 (repository/RecommendationElasticSearchRepository.java,
// controller/DoctorsForDBController.java, service/DoctorsForDBService.java,
// service/RecommendationElasticSearchService.java, application.yml).
// ---------------------------------------------------------------------------------------

/** The @Query text blocks, as Java leaves them (incidental indentation removed). */
export const RECOMMENDATION_QUERIES = {
  findByUnderNotice: `{"bool":{"filter":[
  {"match":{"underNotice":"YES"}},
  {"match":{"designatedBody":"?1"}},
  {"match":{"existsInGmc":"true"}},
  {"bool":{"should":[
    {"wildcard":{"doctorFirstName":{"value":"?0*"}}},
    {"wildcard":{"doctorLastName":{"value":"?0*"}}},
    {"wildcard":{"gmcReferenceNumber":{"value":"?0*"}}}
  ]}},
  {"match_phrase":{"programmeName":{"query":"?2","zero_terms_query":"all"}}},
  {"match":{"gmcStatus":{"query":"?3","zero_terms_query":"all"}}},
  {"match":{"tisStatus":{"query":"?4","zero_terms_query":"all"}}},
  {"match_phrase":{"admin":{"query":"?5","zero_terms_query":"all"}}}
]}}
`,
  findAll: `{"bool":{"must_not":{"match":{"gmcReferenceNumber":"?2"}},"filter":[
  {"match":{"designatedBody":"?1"}},
  {"match":{"existsInGmc":"true"}},
  {"bool":{"should":[
    {"wildcard":{"doctorFirstName":{"value":"?0*"}}},
    {"wildcard":{"doctorLastName":{"value":"?0*"}}},
    {"wildcard":{"gmcReferenceNumber":{"value":"?0*"}}}
  ]}},
  {"match_phrase":{"programmeName":{"query":"?3","zero_terms_query":"all"}}},
  {"match":{"gmcStatus":{"query":"?4","zero_terms_query":"all"}}},
  {"match":{"tisStatus":{"query":"?5","zero_terms_query":"all"}}},
  {"match_phrase":{"admin":{"query":"?6","zero_terms_query":"all"}}}
]}}
`,
  findByFieldNameParameter: `{"bool":{"filter":[
  {"match":{"underNotice":"YES"}},
  {"match":{"designatedBody":"?2"}},
  {"match_phrase_prefix":{"?0":{"query":"?1"}}}
]}}
`,
} as const;

/**
 * StringQueryUtil.replacePlaceholders (4.2.6): each `?n` found in the template, in order, is
 * replaced everywhere (not followed by more digits) with the converted argument. A null is
 * the text `null`; a collection becomes `[` + its elements (strings quoted) + `]`; a string
 * has its double quotes backslash-escaped and nothing else.
 */
export function fillQueryTemplate(template: string, args: readonly unknown[]): string {
  let result = template;
  for (const placeholder of template.match(/\?\d+/g) ?? []) {
    const index = Number(placeholder.slice(1));
    const pattern = new RegExp(`\\?${index}(?!\\d+)`, 'g');
    const value = convertParameter(args[index]);
    result = result.replace(pattern, () => value);
  }
  return result;
}

function convertParameter(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) {
    const items = value.map((item) =>
      typeof item === 'string' ? `"${convertParameter(item)}"` : convertParameter(item),
    );
    return `[${items.join(',')}]`;
  }
  return String(value).replace(/"/g, '\\"');
}

/** application.yml defaults. */
export const RECOMMENDATION_PAGE_SIZE = 20; // app.reval.pagination.pageSize
export const RECOMMENDATION_SORT_FIELDS = [
  'submissionDate',
  'doctorFirstName',
  'doctorLastName',
  'gmcReferenceNumber',
]; // app.validation.sort.fields
export const RECOMMENDATION_SORT_ORDERS = ['asc', 'desc']; // app.validation.sort.order
export const DEFAULT_DESIGNATED_BODIES = [
  '1-AIIDHJ',
  '1-AIIDMQ',
  '1-AIIDNQ',
  '1-AIIDMY',
  '1-AIIDQQ',
  '1-AIIDWT',
  '1-AIIDR8',
  '1-AIIDSA',
  '1-AIIDH1',
  '1-AIIDWA',
  '1-AIIDVS',
  '1-AIIDWI',
  '1-AIIDSI',
]; // app.gmc.designatedBodies

/** GET /api/v1/doctors parameters; every default is the controller's. */
export interface DoctorsParams {
  sortColumn?: string;
  sortOrder?: string;
  underNotice?: boolean;
  pageNumber?: number;
  dbcs?: string[];
  programmeName?: string;
  gmcStatus?: string;
  tisStatus?: string;
  admin?: string;
  searchQuery?: string;
}

/**
 * Reproduces tis-revalidation-recommendation@6dc4e9e application/src/main/java/uk/nhs/hee/tis/revalidation/
 * controller/DoctorsForDBController.java (getTraineeDoctorsInformation, validate),
 * service/DoctorsForDBService.java (getSortedAndFilteredDoctorsByPageNumber) and
 * repository/RecommendationElasticSearchRepository.java (findByUnderNotice, findAll).
 * R1 (`underNotice=true`: findByUnderNotice) or R2 (findAll), as DoctorsForDBController
 * .validate and DoctorsForDBService.getSortedAndFilteredDoctorsByPageNumber call them:
 * an unknown sort column becomes submissionDate, an unknown order `desc`, no dbcs the 13
 * defaults; the custom order, then `doctorLastName` ascending unless that is the column;
 * the search text lower-cased (nothing else); findAll's hidden GMC ids always an empty
 * list. Sent as a wrapper query on RecommendationView's @Document index, `recommendations`.
 */
export function doctorsRequest(
  p: DoctorsParams,
  names: LegacyIndexNames = READERS_INDEX_NAMES,
): ReaderRequest {
  let sortColumn = p.sortColumn ?? 'submissionDate';
  if (!RECOMMENDATION_SORT_FIELDS.includes(sortColumn)) sortColumn = 'submissionDate';
  let sortOrder = p.sortOrder ?? 'asc';
  if (!RECOMMENDATION_SORT_ORDERS.includes(sortOrder)) sortOrder = 'desc';
  const dbcs = p.dbcs && p.dbcs.length > 0 ? p.dbcs : DEFAULT_DESIGNATED_BODIES;

  const sort: SortOrder[] = [
    { field: sortColumn, order: sortOrder.toLowerCase() === 'asc' ? 'asc' : 'desc' },
  ];
  if (sortColumn.toLowerCase() !== 'doctorlastname') {
    sort.push({ field: 'doctorLastName', order: 'asc' });
  }
  const searchText = (p.searchQuery ?? '').toLowerCase();
  const formattedDbcs = formatDesignatedBodyCodes(dbcs);
  const [programmeName, gmcStatus, tisStatus, admin] = [
    p.programmeName ?? '',
    p.gmcStatus ?? '',
    p.tisStatus ?? '',
    p.admin ?? '',
  ];
  const filledQuery = p.underNotice
    ? fillQueryTemplate(RECOMMENDATION_QUERIES.findByUnderNotice, [
        searchText,
        formattedDbcs,
        programmeName,
        gmcStatus,
        tisStatus,
        admin,
      ])
    : fillQueryTemplate(RECOMMENDATION_QUERIES.findAll, [
        searchText,
        formattedDbcs,
        [],
        programmeName,
        gmcStatus,
        tisStatus,
        admin,
      ]);
  return {
    reader: p.underNotice ? 'R1' : 'R2',
    index: names.recommendations,
    querystring: SEARCH_PARAMS,
    body: searchSource(
      wrapper(filledQuery),
      { page: p.pageNumber ?? 0, size: RECOMMENDATION_PAGE_SIZE },
      sort,
      '4.2',
    ),
    entity: 'RecommendationView',
    filledQuery,
  };
}

/**
 * Reproduces tis-revalidation-recommendation@6dc4e9e application/src/main/java/uk/nhs/hee/tis/revalidation/
 * controller/DoctorsForDBController.java (getAutocompleteValuesForField),
 * service/RecommendationElasticSearchService.java (getAutocompleteResults) and
 * repository/RecommendationElasticSearchRepository.java (findByFieldNameParameter).
 * R3, GET /api/v1/doctors/autocomplete → findByFieldNameParameter(fieldName, input, dbcs):
 * a List result, so ElasticsearchStringQuery runs it unpaged (size 10,000, no sort). The
 * dbcs are formatted but not defaulted; an absent `input` is null, which Spring Data writes
 * as the text `null`.
 */
export function autocompleteRequest(
  p: { fieldName: string; input: string | null; dbcs: string[] },
  names: LegacyIndexNames = READERS_INDEX_NAMES,
): ReaderRequest {
  const filledQuery = fillQueryTemplate(RECOMMENDATION_QUERIES.findByFieldNameParameter, [
    p.fieldName,
    p.input,
    formatDesignatedBodyCodes(p.dbcs),
  ]);
  return {
    reader: 'R3',
    index: names.recommendations,
    querystring: SEARCH_PARAMS,
    body: searchSource(wrapper(filledQuery), 'unpaged', [], '4.2'),
    entity: 'RecommendationView',
    filledQuery,
  };
}

/**
 * RecommendationElasticSearchService.getAutocompleteResults after the search: the field's
 * values of the hits, in hit order, without nulls and duplicates; programmeName only.
 */
export function autocompleteValues(fieldName: string, sources: Json[]): string[] {
  if (fieldName !== 'programmeName') return [];
  const values = sources
    .map((source) => source.programmeName)
    .filter((value): value is string => typeof value === 'string');
  return [...new Set(values)];
}
