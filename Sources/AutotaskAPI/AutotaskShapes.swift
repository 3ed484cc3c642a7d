public import Foundation

/// `pageDetails` of a query answer.
public struct AutotaskPageDetails: Sendable, Equatable {
    /// Items on this page.
    public var count: Int
    /// The page size asked for (`MaxRecords`, 500 by default).
    public var requestCount: Int
    public var prevPageUrl: String?
    public var nextPageUrl: String?
    public init(count: Int, requestCount: Int, prevPageUrl: String?, nextPageUrl: String?) {
        self.count = count
        self.requestCount = requestCount
        self.prevPageUrl = prevPageUrl
        self.nextPageUrl = nextPageUrl
    }
    public var json: AutotaskJSON {
        .object([
            "count": .int(count), "requestCount": .int(requestCount), "prevPageUrl": .init(prevPageUrl),
            "nextPageUrl": .init(nextPageUrl),
        ])
    }
}

/// A query answer (Swagger `QueryActionResult`): `{"items":[…],"pageDetails":{…}}`.
public struct AutotaskPage: Sendable, Equatable {
    public var items: [AutotaskJSON]
    public var pageDetails: AutotaskPageDetails
    public init(items: [AutotaskJSON], pageDetails: AutotaskPageDetails) {
        self.items = items
        self.pageDetails = pageDetails
    }

    public var json: AutotaskJSON { .object(["items": .array(items), "pageDetails": pageDetails.json]) }

    /// Decodes a page; the error names `entity` and quotes the body's start.
    public static func decode(_ data: Data, entity: String) throws(AutotaskDecodingError) -> AutotaskPage {
        let excerpt = String(decoding: data.prefix(200), as: UTF8.self)
        guard let json = AutotaskJSON.parse(data) else { throw AutotaskDecodingError(entity: entity, reason: "the page is not JSON", excerpt: excerpt) }
        guard case .array(let items)? = json.member("items") else {
            throw AutotaskDecodingError(entity: entity, reason: "the page has no items array", excerpt: excerpt)
        }
        guard let details = json.member("pageDetails"), let count = details.member("count")?.intValue,
            let requestCount = details.member("requestCount")?.intValue
        else { throw AutotaskDecodingError(entity: entity, reason: "the page has no pageDetails", excerpt: excerpt) }
        func url(_ name: String) throws(AutotaskDecodingError) -> String? {
            switch details.member(name) {
            case nil, .null?: return nil
            case .string(let text)?: return text.isEmpty ? nil : text
            default: throw AutotaskDecodingError(entity: entity, reason: "\(name) is not a string", excerpt: excerpt)
            }
        }
        guard count == items.count else {
            throw AutotaskDecodingError(entity: entity, reason: "pageDetails counts \(count) items but the page has \(items.count)", excerpt: excerpt)
        }
        return AutotaskPage(
            items: items,
            pageDetails: AutotaskPageDetails(count: count, requestCount: requestCount, prevPageUrl: try url("prevPageUrl"), nextPageUrl: try url("nextPageUrl")))
    }

    /// The page's items decoded as `Item`s.
    public func decode<Item: AutotaskItem>(_ type: Item.Type) throws(AutotaskDecodingError) -> [Item] {
        try items.map { item throws(AutotaskDecodingError) in try Item.decode(item) }
    }
}

/// The id-keyset cursor in a `nextPageUrl` (NOTES.md §4.1):
/// `…/{Entity}/query/next?paging={"pageSize":500,"previousIds":[-1],"nextIds":[725]}&search=…`.
/// `nextIds[0]` is the first id of the page it leads to (-1: from the start); `previousIds` the first ids of
/// the pages before.
public struct AutotaskPagingCursor: Sendable, Equatable {
    public var pageSize: Int
    public var previousIds: [Int]
    public var nextIds: [Int]
    public init(pageSize: Int, previousIds: [Int], nextIds: [Int]) {
        self.pageSize = pageSize
        self.previousIds = previousIds
        self.nextIds = nextIds
    }

    /// `{"pageSize":500,"previousIds":[-1],"nextIds":[725]}`, keys in Autotask's order.
    public var text: String {
        "{\"pageSize\":\(pageSize),\"previousIds\":[\(previousIds.map(String.init).joined(separator: ","))],\"nextIds\":[\(nextIds.map(String.init).joined(separator: ","))]}"
    }

    public init?(text: String) {
        guard let json = AutotaskJSON.parse(Data(text.utf8)), let size = json.member("pageSize")?.intValue,
            case .array(let previous)? = json.member("previousIds"), case .array(let next)? = json.member("nextIds")
        else { return nil }
        pageSize = size
        previousIds = previous.compactMap(\.intValue)
        nextIds = next.compactMap(\.intValue)
    }

    /// Percent-encodes as Autotask does: every byte but letters, digits and `-._~`, with lower-case hex (`%7b`).
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default: out += String(format: "%%%02x", byte)
            }
        }
        return out
    }
}

/// `GET zoneInformation?user=…` (Swagger `ZoneInformationResultModel`).
public struct AutotaskZoneInformation: Sendable, Equatable {
    public var zoneName: String
    /// The zone's API root, ending in `/`; the connector appends `v1.0/…`.
    public var url: String
    public var webUrl: String
    /// The database's unique id: a tenant key.
    public var ci: Int
    public init(zoneName: String, url: String, webUrl: String, ci: Int) {
        self.zoneName = zoneName
        self.url = url
        self.webUrl = webUrl
        self.ci = ci
    }
    public var json: AutotaskJSON { .object(["zoneName": .string(zoneName), "url": .string(url), "webUrl": .string(webUrl), "ci": .int(ci)]) }
    public static func decode(_ data: Data) throws(AutotaskDecodingError) -> AutotaskZoneInformation {
        guard let json = AutotaskJSON.parse(data), case .string(let url)? = json.member("url") else {
            throw AutotaskDecodingError(entity: "zoneInformation", reason: "no url", excerpt: String(decoding: data.prefix(200), as: UTF8.self))
        }
        let name: String = if case .string(let text)? = json.member("zoneName") { text } else { "" }
        let web: String = if case .string(let text)? = json.member("webUrl") { text } else { "" }
        return AutotaskZoneInformation(zoneName: name, url: url, webUrl: web, ci: json.member("ci")?.intValue ?? 0)
    }
}

/// `GET ThresholdInformation` (Swagger `ThresholdStatusResultModel`).
public struct AutotaskThreshold: Sendable, Equatable {
    /// Requests allowed per timeframe (10,000).
    public var externalRequestThreshold: Int
    /// The timeframe, in minutes (60).
    public var requestThresholdTimeframe: Int
    /// Requests made in the current rolling timeframe, by every integration of the database.
    public var currentTimeframeRequestCount: Int
    public init(externalRequestThreshold: Int, requestThresholdTimeframe: Int, currentTimeframeRequestCount: Int) {
        self.externalRequestThreshold = externalRequestThreshold
        self.requestThresholdTimeframe = requestThresholdTimeframe
        self.currentTimeframeRequestCount = currentTimeframeRequestCount
    }
    /// The share of the budget in use, 0…1 (and above when over).
    public var usedShare: Decimal {
        externalRequestThreshold > 0 ? Decimal(currentTimeframeRequestCount) / Decimal(externalRequestThreshold) : 1
    }
    public var json: AutotaskJSON {
        .object([
            "externalRequestThreshold": .int(externalRequestThreshold), "requestThresholdTimeframe": .int(requestThresholdTimeframe),
            "currentTimeframeRequestCount": .int(currentTimeframeRequestCount),
        ])
    }
    public static func decode(_ data: Data) throws(AutotaskDecodingError) -> AutotaskThreshold {
        guard let json = AutotaskJSON.parse(data), let limit = json.member("externalRequestThreshold")?.intValue,
            let frame = json.member("requestThresholdTimeframe")?.intValue, let used = json.member("currentTimeframeRequestCount")?.intValue
        else { throw AutotaskDecodingError(entity: "ThresholdInformation", reason: "not a threshold status", excerpt: String(decoding: data.prefix(200), as: UTF8.self)) }
        return AutotaskThreshold(externalRequestThreshold: limit, requestThresholdTimeframe: frame, currentTimeframeRequestCount: used)
    }
}

/// Autotask's error body `{"errors":["…"]}`; also reads the framework's `{"Message":"…"}` (405s) and tolerates
/// `{message}` objects in the array (NOTES.md §5.5).
public struct AutotaskErrorBody: Sendable, Equatable {
    public var errors: [String]
    public init(errors: [String]) { self.errors = errors }
    public init(_ message: String) { errors = [message] }
    public var json: AutotaskJSON { .object(["errors": .array(errors.map { .string($0) })]) }

    public static func parse(_ data: Data) -> AutotaskErrorBody? {
        guard let json = AutotaskJSON.parse(data) else { return nil }
        if case .array(let items)? = json.member("errors") {
            return AutotaskErrorBody(errors: items.compactMap { item in
                if case .string(let text) = item { return text }
                if case .string(let text)? = item.member("message") { return text }
                return nil
            })
        }
        if case .string(let message)? = json.member("Message") { return AutotaskErrorBody(message) }
        return nil
    }

    public var summary: String { errors.joined(separator: "; ") }

    /// The zone lookup's answer for an unknown user (HTTP 500).
    public static let unknownZone = "Zone information could not be determined"
    /// The legacy answer for a bad integration code (HTTP 500).
    public static let badIntegrationCode = "IntegrationCode is invalid."
    /// The thread limit's message (HTTP 429, code Itgenatr005).
    public static let threadThreshold = "API thread threshold of 3 threads has been exceeded for this integration and endpoint (Itgenatr005)."
}

/// `{"queryCount": n}`.
public struct AutotaskQueryCount: Sendable, Equatable {
    public var queryCount: Int
    public init(queryCount: Int) { self.queryCount = queryCount }
    public static func decode(_ data: Data, entity: String) throws(AutotaskDecodingError) -> Int {
        guard let json = AutotaskJSON.parse(data), let count = json.member("queryCount")?.intValue else {
            throw AutotaskDecodingError(entity: entity, reason: "no queryCount", excerpt: String(decoding: data.prefix(200), as: UTF8.self))
        }
        return count
    }
}
