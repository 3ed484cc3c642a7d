public import Foundation
import InsightJSON

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

/// A query answer (Swagger `QueryActionResult`): `{"items":[…],"pageDetails":{…}}`. A page decoded from the wire
/// keeps its items in the parsed document and reads them from there (``rows(entity:)``, ``decode(_:)``); `items` builds trees.
public struct AutotaskPage: Sendable, Equatable {
    public var pageDetails: AutotaskPageDetails
    private var storage: Items

    private enum Items: Sendable {
        case trees([AutotaskJSON])
        case parsed([JSONTape.Value])
    }

    public init(items: [AutotaskJSON], pageDetails: AutotaskPageDetails) {
        self.storage = .trees(items)
        self.pageDetails = pageDetails
    }

    /// The items as trees.
    public var items: [AutotaskJSON] {
        get {
            switch storage {
            case .trees(let items): return items
            case .parsed(let objects): return objects.map(AutotaskJSON.init)
            }
        }
        set { storage = .trees(newValue) }
    }

    /// How many items the page holds.
    public var count: Int {
        switch storage {
        case .trees(let items): return items.count
        case .parsed(let objects): return objects.count
        }
    }

    public static func == (lhs: AutotaskPage, rhs: AutotaskPage) -> Bool { lhs.pageDetails == rhs.pageDetails && lhs.items == rhs.items }

    public var json: AutotaskJSON { .object(["items": .array(items), "pageDetails": pageDetails.json]) }

    /// Decodes a page; the error names `entity` and quotes the body's start.
    public static func decode(_ data: Data, entity: String) throws(AutotaskDecodingError) -> AutotaskPage {
        let excerpt = { String(decoding: data.prefix(200), as: UTF8.self) }
        guard let root = (try? JSONTape(parsing: data))?.root else {
            throw AutotaskDecodingError(entity: entity, reason: "the page is not JSON", excerpt: excerpt())
        }
        func member(_ value: JSONTape.Value, _ name: String) -> JSONTape.Value? { value.member(name) ?? value.member(name, ignoringCase: true) }
        guard let itemsValue = member(root, "items"), itemsValue.kind == .array else {
            throw AutotaskDecodingError(entity: entity, reason: "the page has no items array", excerpt: excerpt())
        }
        let items = itemsValue.elements
        guard let details = member(root, "pageDetails"), let count = member(details, "count")?.int,
            let requestCount = member(details, "requestCount")?.int
        else { throw AutotaskDecodingError(entity: entity, reason: "the page has no pageDetails", excerpt: excerpt()) }
        func url(_ name: String) throws(AutotaskDecodingError) -> String? {
            guard let value = member(details, name), !value.isNull else { return nil }
            guard let text = value.string else { throw AutotaskDecodingError(entity: entity, reason: "\(name) is not a string", excerpt: excerpt()) }
            return text.isEmpty ? nil : text
        }
        guard count == items.count else {
            throw AutotaskDecodingError(entity: entity, reason: "pageDetails counts \(count) items but the page has \(items.count)", excerpt: excerpt())
        }
        var page = AutotaskPage(
            items: [],
            pageDetails: AutotaskPageDetails(count: count, requestCount: requestCount, prevPageUrl: try url("prevPageUrl"), nextPageUrl: try url("nextPageUrl")))
        page.storage = .parsed(items)
        return page
    }

    /// A row for each item, in order.
    public func rows(entity: String) throws(AutotaskDecodingError) -> [AutotaskRow] {
        switch storage {
        case .trees(let items): return try items.map { item throws(AutotaskDecodingError) in try AutotaskRow(entity: entity, json: item) }
        case .parsed(let objects): return try objects.map { object throws(AutotaskDecodingError) in try AutotaskRow(entity: entity, object: object) }
        }
    }

    /// The page's items decoded as `Item`s.
    public func decode<Item: AutotaskItem>(_ type: Item.Type) throws(AutotaskDecodingError) -> [Item] {
        switch storage {
        case .trees(let items): return try items.map { item throws(AutotaskDecodingError) in try Item.decode(item) }
        case .parsed(let objects): return try objects.map { object throws(AutotaskDecodingError) in try Item.decode(object) }
        }
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
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
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
