import Logging
import Foundation
import HTTPTypes
import Hummingbird
import InsightCore
import InsightMetrics
import InsightStore
import InsightVault

/// The JSON API: scorecards and KPI series per company, authenticated by the company's API tokens.
extension WebApp {
    func addAPIRoutes(to router: Router<WebContext>) {
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.get("/api/v1/companies/:tenant/scorecard") { request, context -> Response in
            let tenant = try await apiTenant(request, context)
            let month = try await month(request, tenant)
            let engine = KPIEngine(store: store, tenant: tenant)
            let card = try await engine.scorecard(month)
            let kpis = KPICatalogue.scorecard.map { APIValue(id: $0.id, name: $0.name.trimmingCharacters(in: .whitespaces), unit: $0.unit.rawValue, value: $0.value(in: card)) }
            return try json(APIScorecard(company: tenant.id.rawValue, month: month.description, currency: tenant.baseCurrency.rawValue, kpis: kpis))
        }
        router.get("/api/v1/companies/:tenant/kpis/:kpi") { request, context -> Response in
            let tenant = try await apiTenant(request, context)
            guard let id = context.parameters.get("kpi"), let kpi = KPICatalogue.scorecard.first(where: { $0.id == id }) else { throw WebError.notFound }
            let (first, last) = try await range(request, tenant)
            let trend = try await KPIEngine(store: store, tenant: tenant).trend(from: first, to: last)
            return try json(APISeries(company: tenant.id.rawValue, kpi: kpi.id, unit: kpi.unit.rawValue, currency: tenant.baseCurrency.rawValue,
                                      points: trend.map { APIPoint(month: $0.month.description, value: kpi.value(in: $0)) }))
        }
    }

    /// The company of the path, when the bearer token belongs to it; 404 otherwise (401 without a token).
    func apiTenant(_ request: Request, _ context: WebContext) async throws -> Tenant {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "Send an API token as 'Authorization: Bearer <token>'.")
        }
        let token = String(header.dropFirst("Bearer ".count))
        guard let owner = try await store.tenantForAPIToken(hash: Tokens.digest(token)), owner.rawValue == context.parameters.get("tenant"),
            let tenant = try await store.tenant(owner)
        else { throw WebError.notFound }
        return tenant
    }

    func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}

/// A KPI value: a decimal string, so money keeps every digit (`null` when undefined).
struct APIValue: Encodable {
    var id: String
    var name: String
    var unit: String
    var value: Decimal?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(unit, forKey: .unit)
        try container.encode(value.map { "\($0)" }, forKey: .value)
    }
    enum CodingKeys: String, CodingKey { case id, name, unit, value }
}

struct APIScorecard: Encodable {
    var company: String
    var month: String
    var currency: String
    var kpis: [APIValue]
}

struct APIPoint: Encodable {
    var month: String
    var value: Decimal?

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(month, forKey: .month)
        try container.encode(value.map { "\($0)" }, forKey: .value)
    }
    enum CodingKeys: String, CodingKey { case month, value }
}

struct APISeries: Encodable {
    var company: String
    var kpi: String
    var unit: String
    var currency: String
    var points: [APIPoint]
}

/// The OpenAPI 3.1 description of the JSON API.
enum OpenAPIDocument {
    static let json = """
        {"openapi":"3.1.0","info":{"title":"PSA Insight API","version":"1"},
        "components":{"securitySchemes":{"token":{"type":"http","scheme":"bearer","description":"A company API token, created under Settings."}},
        "schemas":{"Value":{"type":["string","null"],"description":"A decimal number as a string (money keeps every digit); null when undefined."},
        "Scorecard":{"type":"object","required":["company","month","currency","kpis"],"properties":{"company":{"type":"string"},"month":{"type":"string","pattern":"^[0-9]{4}-[0-9]{2}$"},"currency":{"type":"string"},
        "kpis":{"type":"array","items":{"type":"object","required":["id","name","unit","value"],"properties":{"id":{"type":"string"},"name":{"type":"string"},"unit":{"type":"string","enum":["money","hours","ratio","count","minutes","perEndpoint","days"]},"value":{"$ref":"#/components/schemas/Value"}}}}}},
        "Series":{"type":"object","required":["company","kpi","unit","currency","points"],"properties":{"company":{"type":"string"},"kpi":{"type":"string"},"unit":{"type":"string"},"currency":{"type":"string"},
        "points":{"type":"array","items":{"type":"object","required":["month","value"],"properties":{"month":{"type":"string"},"value":{"$ref":"#/components/schemas/Value"}}}}}},
        "Classification":{"type":"object","required":["company","entries"],"properties":{"company":{"type":"string"},
        "entries":{"type":"array","items":{"type":"object","required":["dimension","value","className","origin","reason","records"],"properties":{"dimension":{"type":"string","enum":["ticketBoard","agreementType","workType","additionProduct","configurationType"]},"value":{"type":"string","description":"The company's own value: a board, agreement type, work type or product name."},"className":{"type":"string","description":"ticketBoard: reactive, proactive, project, internal, other; agreementType: fixedFee, blockHours, timeAndMaterials, licenseResale, project, notRevenue; workType: billable, nonBillable, internal, timeOff; additionProduct: perUser, other; configurationType: managedEndpoint, other."},"origin":{"type":"string","enum":["inferred","confirmed"]},"reason":{"type":"string"},"records":{"type":"integer"}}}}}},
        "Error":{"type":"object","required":["error"],"properties":{"error":{"type":"string"}}}}},
        "security":[{"token":[]}],
        "paths":{
        "/api/v1/companies/{company}/scorecard":{"get":{"summary":"One month's scorecard (every KPI of docs/kpis.md's scorecard)","parameters":[{"name":"company","in":"path","required":true,"schema":{"type":"string"}},{"name":"month","in":"query","schema":{"type":"string","pattern":"^[0-9]{4}-[0-9]{2}$"},"description":"Default: the last complete month in the company's time zone."}],
        "responses":{"200":{"description":"The scorecard","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Scorecard"}}}},"401":{"description":"No token","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}},"404":{"description":"Unknown company, or the token is not this company's","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}}}}},
        "/api/v1/companies/{company}/kpis/{kpi}":{"get":{"summary":"A KPI's monthly series","parameters":[{"name":"company","in":"path","required":true,"schema":{"type":"string"}},{"name":"kpi","in":"path","required":true,"schema":{"type":"string"}},{"name":"month","in":"query","schema":{"type":"string"}},{"name":"months","in":"query","schema":{"type":"integer","minimum":1,"maximum":60}}],
        "responses":{"200":{"description":"The series","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Series"}}}},"401":{"description":"No token","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}},"404":{"description":"Unknown company or KPI","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}}}}},
        "/api/v1/companies/{company}/classification":{"get":{"summary":"How the company's own PSA values are classified (docs/kpis.md, Classification)","parameters":[{"name":"company","in":"path","required":true,"schema":{"type":"string"}}],
        "responses":{"200":{"description":"Every value of every dimension, with its class and whether it was inferred or confirmed","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Classification"}}}},"401":{"description":"No token","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}},"404":{"description":"Unknown company, or the token is not this company's","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Error"}}}}}}}}}
        """
}
