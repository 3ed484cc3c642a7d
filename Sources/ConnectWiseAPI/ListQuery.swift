public import Foundation

/// How a simulated ConnectWise server treats the paging behaviours the public documentation leaves open
/// (NOTES.md §11): each is a setting, and the connector must cope with every choice.
public struct ListSettings: Sendable, Equatable {
    public enum Oversize: Sendable, Equatable { case clamp, reject }
    public var defaultPageSize = 25
    public var maximumPageSize = 1_000
    /// What `pageSize` above the maximum does: capped (the default) or answered with 400.
    public var oversizedPageSize = Oversize.clamp
    /// Whether `orderBy` with forward-only paging is refused with 400 (`true`) or ignored (the default).
    public var rejectOrderByWithForwardOnly = false

    public init() {}
}

/// A `GET` list request's query: filters, order, partial fields and paging.
public struct ListQuery: Sendable, Equatable {
    public var conditions: Condition?
    public var orderBy: [(path: [String], ascending: Bool)]
    /// `fields=id,name,status/id`: the paths to keep, or `nil` for whole items.
    public var fields: [[String]]?
    public var page: Int
    public var pageSize: Int
    public var pageID: Int?
    /// `pagination-type: forward-only`.
    public var forwardOnly: Bool

    public static func == (lhs: ListQuery, rhs: ListQuery) -> Bool {
        lhs.conditions == rhs.conditions && lhs.orderBy.map(\.path) == rhs.orderBy.map(\.path)
            && lhs.orderBy.map(\.ascending) == rhs.orderBy.map(\.ascending) && lhs.fields == rhs.fields && lhs.page == rhs.page
            && lhs.pageSize == rhs.pageSize && lhs.pageID == rhs.pageID && lhs.forwardOnly == rhs.forwardOnly
    }

    /// Reads the query parameters (names case-insensitive, as ConnectWise's) and the pagination header.
    /// - Throws: ``ListQueryError`` for what the API answers with 400.
    public init(parameters: [(name: String, value: String)], forwardOnly: Bool, settings: ListSettings = ListSettings())
        throws(ListQueryError)
    {
        func value(_ name: String) -> String? { parameters.last { $0.name.lowercased() == name.lowercased() }?.value }
        func integer(_ name: String) throws(ListQueryError) -> Int? {
            guard let text = value(name) else { return nil }
            guard let number = Int(text), number >= 0 else { throw .invalid(field: name, message: "\(name) must be a whole number") }
            return number
        }
        // `conditions` and `childConditions` (conditions on array children, e.g. `types/name = "Client"`) must
        // both hold.
        var parsed: [Condition] = []
        for name in ["conditions", "childConditions"] {
            guard let text = value(name), !text.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            do {
                parsed.append(try Condition(parsing: text))
            } catch {
                throw .invalid(field: name, message: error.description)
            }
        }
        conditions = parsed.count == 2 ? .and(parsed[0], parsed[1]) : parsed.first
        orderBy = []
        if let text = value("orderBy"), !text.isEmpty {
            for clause in text.split(separator: ",") {
                let words = clause.split(separator: " ").map(String.init)
                guard let field = words.first, words.count <= 2,
                    words.count == 1 || ["asc", "desc"].contains(words[1].lowercased())
                else { throw .invalid(field: "orderBy", message: "orderBy must be 'field asc' or 'field desc'") }
                orderBy.append((field.split(separator: "/").map(String.init), words.count == 1 || words[1].lowercased() == "asc"))
            }
        }
        fields = value("fields").map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).split(separator: "/").map(String.init) } }
        page = max(1, try integer("page") ?? 1)
        var size = try integer("pageSize") ?? settings.defaultPageSize
        if size == 0 { size = settings.defaultPageSize }
        if size > settings.maximumPageSize {
            guard settings.oversizedPageSize == .clamp else {
                throw .invalid(field: "pageSize", message: "pageSize must be at most \(settings.maximumPageSize)")
            }
            size = settings.maximumPageSize
        }
        pageSize = size
        pageID = try integer("pageId")
        self.forwardOnly = forwardOnly
        if forwardOnly, !orderBy.isEmpty {
            if settings.rejectOrderByWithForwardOnly {
                throw .invalid(field: "orderBy", message: "orderBy cannot be used with forward-only pagination")
            }
            orderBy = []
        }
    }

    /// The positions in `items` of the items matching the conditions, in order: `orderBy`, else id. `items` must
    /// be sorted by id (the simulator keeps them so), which spares a sort per request.
    func matchingPositions(_ items: [JSONValue]) -> [Int] {
        let result = conditions.map { condition in items.indices.filter { condition.matches(items[$0]) } } ?? Array(items.indices)
        guard !orderBy.isEmpty, !forwardOnly else { return result }
        return result.sorted { left, right in
            for (path, ascending) in orderBy {
                let a = Condition.resolve(path, in: items[left])
                let b = Condition.resolve(path, in: items[right])
                guard let order = Self.order(a, b), order != .orderedSame else { continue }
                return (order == .orderedAscending) == ascending
            }
            return left < right
        }
    }

    /// The items matching the conditions, in order: `orderBy`, else id (`items` sorted by id).
    public func matching(_ items: [JSONValue]) -> [JSONValue] { matchingPositions(items).map { items[$0] } }

    /// Forward-only: the positions of the first `pageSize` matching items after `pageId`, found by binary search
    /// and a scan that stops when the page is full (items sorted by id), so a page costs the same at the end of a
    /// large list.
    func forwardPage(_ items: [JSONValue]) -> [Int] {
        var low = 0
        var high = items.count
        if let pageID {
            while low < high {
                let middle = (low + high) / 2
                if (Self.id(of: items[middle]) ?? 0) <= pageID { low = middle + 1 } else { high = middle }
            }
        }
        var page: [Int] = []
        var index = low
        while index < items.count, page.count < pageSize {
            if conditions?.matches(items[index]) ?? true { page.append(index) }
            index += 1
        }
        return page
    }

    /// One page of `items`: the positions of its items in `items`, and its `Link` header. `requestURL` is the URL
    /// the client asked for, with its query; links keep every original parameter and replace only `page` (or
    /// `pageId`). Items are whole: apply ``partial(_:)`` for `fields`.
    public func page(of items: [JSONValue], requestURL: URL) -> (positions: [Int], link: String) {
        if forwardOnly {
            let positions = forwardPage(items)
            // A full page links to the next pageId (the last id returned); the end is an empty Link header.
            guard positions.count == pageSize, let last = positions.last.flatMap({ Self.id(of: items[$0]) }) else { return (positions, "") }
            return (positions, "<\(link(requestURL, setting: "pageId", to: last))>; rel=\"next\"")
        }
        let matching = matchingPositions(items)
        let lastPage = max(1, (matching.count + pageSize - 1) / pageSize)
        let start = min(matching.count, (page - 1) * pageSize)
        let positions = Array(matching[start..<min(matching.count, start + pageSize)])
        var links: [String] = []
        if page > 1 {
            links.append("<\(link(requestURL, setting: "page", to: 1))>; rel=\"first\"")
            links.append("<\(link(requestURL, setting: "page", to: min(page - 1, lastPage)))>; rel=\"prev\"")
        }
        if page < lastPage { links.append("<\(link(requestURL, setting: "page", to: page + 1))>; rel=\"next\"") }
        links.append("<\(link(requestURL, setting: "page", to: lastPage))>; rel=\"last\"")
        return (positions, links.joined(separator: ", "))
    }

    /// One page of `items`, reduced to `fields`, and its `Link` header (see ``page(of:requestURL:)``).
    public func respond(to items: [JSONValue], requestURL: URL) -> (items: [JSONValue], link: String) {
        let page = page(of: items, requestURL: requestURL)
        return (partial(page.positions.map { items[$0] }), page.link)
    }

    /// `{"count": n}` for `/count`.
    public func count(_ items: [JSONValue]) -> JSONValue {
        .object(["count": .number(Decimal(conditions.map { condition in items.filter(condition.matches).count } ?? items.count))])
    }

    /// Whether the query asks for some fields only (`fields=`), so that items are not sent whole.
    public var selectsFields: Bool { !(fields ?? []).isEmpty }

    /// Items reduced to `fields` (nested paths keep their parents), or whole.
    public func partial(_ items: [JSONValue]) -> [JSONValue] {
        guard let fields, !fields.isEmpty else { return items }
        return items.map { item in Self.keep(fields, of: item) }
    }

    static func keep(_ paths: [[String]], of item: JSONValue) -> JSONValue {
        guard case .object(let members) = item else { return item }
        var kept: [String: JSONValue] = [:]
        for (key, value) in members {
            let matches = paths.filter { $0.first?.lowercased() == key.lowercased() }
            if matches.contains(where: { $0.count == 1 }) {
                kept[key] = value
            } else if !matches.isEmpty {
                kept[key] = keep(matches.map { Array($0.dropFirst()) }, of: value)
            }
        }
        return .object(kept)
    }

    /// The item's integer `id`.
    public static func id(of item: JSONValue) -> Int? {
        if case .number(let value)? = item.member("id") { return NSDecimalNumber(decimal: value).intValue }
        return nil
    }

    static func order(_ a: JSONValue, _ b: JSONValue) -> ComparisonResult? {
        switch (a, b) {
        case (.number(let x), .number(let y)): x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame
        case (.string(let x), .string(let y)): x.compare(y, options: .caseInsensitive)
        case (.bool(let x), .bool(let y)): x == y ? .orderedSame : (!x ? .orderedAscending : .orderedDescending)
        case (.null, .null): .orderedSame
        case (.null, _): .orderedAscending
        case (_, .null): .orderedDescending
        default: nil
        }
    }

    func link(_ url: URL, setting name: String, to value: Int) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.absoluteString }
        var items = (components.queryItems ?? []).filter { $0.name.lowercased() != name.lowercased() }
        items.append(URLQueryItem(name: name, value: String(value)))
        components.queryItems = items
        return components.url?.absoluteString ?? url.absoluteString
    }
}

/// A list request the API refuses with HTTP 400.
public enum ListQueryError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(field: String, message: String)

    public var description: String {
        switch self {
        case .invalid(_, let message): message
        }
    }

    /// The 400 body, in ConnectWise's error shape. The exact code and message the real API uses for a bad query
    /// are not public (NOTES.md §11); these are ours, in its shape.
    public var body: ConnectWiseErrorBody {
        switch self {
        case .invalid(let field, let message):
            ConnectWiseErrorBody(
                code: "InvalidObject", message: "The request is invalid",
                errors: [.init(code: "InvalidField", message: message, resource: "query", field: field)])
        }
    }
}
