public import ConnectWiseAPI
import Foundation

/// What the permission doctor found: per endpoint OK or the exact setting to change, and whether the API
/// member could write (we ask for read-only). The web app shows the same value.
public struct PermissionReport: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case ok
        /// The role lacks the function: the sentence says what to set.
        case missing(fix: String)
        case failed(String)
    }

    public var roleName: String?
    public var entries: [(endpoint: ConnectWiseEndpoint, status: Status)]
    /// Functions where the role can add, edit or delete.
    public var writableFunctions: [SecurityFunction]

    public var isReady: Bool { entries.allSatisfy { $0.status == .ok } }

    public static func == (lhs: PermissionReport, rhs: PermissionReport) -> Bool {
        lhs.roleName == rhs.roleName && lhs.writableFunctions == rhs.writableFunctions
            && lhs.entries.map(\.endpoint) == rhs.entries.map(\.endpoint) && lhs.entries.map(\.status) == rhs.entries.map(\.status)
    }

    /// Lines for a terminal.
    public var lines: [String] {
        var lines = ["Security role: \(roleName ?? "unknown (the API member cannot read System > Security Roles)")"]
        for (endpoint, status) in entries {
            switch status {
            case .ok: lines.append("  OK       \(endpoint.path)")
            case .missing(let fix): lines.append("  MISSING  \(endpoint.path): \(fix)")
            case .failed(let reason): lines.append("  FAILED   \(endpoint.path): \(reason)")
            }
        }
        if !writableFunctions.isEmpty {
            lines.append("WARNING: the role can add, edit or delete in \(writableFunctions.map { "\($0.module) > \($0.name)" }.joined(separator: ", ")). PSA Insight needs read-only access: set Add, Edit and Delete to None.")
        }
        return lines
    }
}

extension ConnectWiseConnector {
    /// Probes every endpoint PSA Insight reads with one one-record request, and reads the API member's role.
    /// - Throws: ``ConnectorError`` when the site, the company or the keys are wrong (nothing can be probed).
    public func checkPermissions() async throws(ConnectorError) -> PermissionReport {
        let base = try await discoverAPIBase()
        _ = try await send("\(base)/system/info", entity: "system/info")
        var role: SecurityRole?
        if let response = try? await send("\(base)/system/securityroles", entity: "system/securityroles"),
            case .array(let roles)? = JSONValue.parse(response.body), roles.count == 1,
            let id = roles.first.flatMap(ListQuery.id(of:)), case .string(let name)? = roles[0].member("name")
        {
            let settings = (try? await send("\(base)/system/securityRoles/\(id)/settings", entity: "system/securityroles"))
                .flatMap { JSONValue.parse($0.body) }
            role = SecurityRole(id: id, name: name, settings: Self.settings(settings))
        }
        var entries: [(ConnectWiseEndpoint, PermissionReport.Status)] = []
        var firstAgreement: Int?
        for endpoint in ConnectWiseEndpoint.allCases {
            var path = endpoint.path
            if endpoint == .additions {
                guard let agreement = firstAgreement else {
                    entries.append((endpoint, entries.first { $0.0 == .agreements }?.1 ?? .ok))
                    continue
                }
                path = "finance/agreements/\(agreement)/additions"
            }
            do {
                let response = try await send("\(base)/\(path)?pageSize=1", entity: endpoint.path)
                if endpoint == .agreements, case .array(let items)? = JSONValue.parse(response.body) {
                    firstAgreement = items.first.flatMap(ListQuery.id(of:))
                }
                entries.append((endpoint, .ok))
            } catch .forbidden {
                entries.append((endpoint, .missing(fix: SecurityRole.fix(role: role?.name ?? "<the API member's role>", function: endpoint.function))))
            } catch {
                entries.append((endpoint, .failed(error.description)))
            }
        }
        return PermissionReport(roleName: role?.name, entries: entries, writableFunctions: role?.writableFunctions ?? [])
    }

    static func settings(_ value: JSONValue?) -> [SecurityRole.Setting] {
        guard case .array(let items)? = value else { return [] }
        func level(_ item: JSONValue, _ key: String) -> SecurityLevel {
            if case .string(let text)? = item.member(key) { return SecurityLevel(rawValue: text) ?? .none }
            return .none
        }
        return items.compactMap { item in
            guard case .string(let module)? = item.member("moduleName"), case .string(let name)? = item.member("moduleFunctionName") else {
                return nil
            }
            return SecurityRole.Setting(
                function: SecurityFunction(module: module, name: name), add: level(item, "addLevel"), edit: level(item, "editLevel"),
                delete: level(item, "deleteLevel"), inquire: level(item, "inquireLevel"))
        }
    }
}
