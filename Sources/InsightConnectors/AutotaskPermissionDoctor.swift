public import AutotaskAPI
import Foundation
import InsightCore

/// What the Autotask permission doctor found: per entity, whether the API user's security level lets it read,
/// and if not which of the eleven sections to change; which write rights it has that PSA Insight does not need;
/// and how much of the database's hourly request budget is in use.
public struct AutotaskPermissionReport: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case ok
        /// View is "No Permission" in `section`.
        case missing(section: SecuritySection)
        /// View is restricted (e.g. "Mine"): some rows will silently be missing.
        case restricted(section: SecuritySection)
        case failed(String)
    }

    public var userName: String
    public var entries: [(entity: AutotaskEntity, status: Status)]
    /// Entities the user can create, update or delete, with what it can do.
    public var writable: [(entity: AutotaskEntity, rights: [String])]
    public var threshold: AutotaskThreshold?

    public var isReady: Bool { entries.allSatisfy { $0.status == .ok } }

    /// Sections that need View set to All, in the security level's order.
    public var sectionsToFix: [SecuritySection] {
        let sections = Set(entries.compactMap { entry -> SecuritySection? in
            switch entry.status {
            case .missing(let section), .restricted(let section): section
            default: nil
            }
        })
        return SecuritySection.allCases.filter(sections.contains)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.userName == rhs.userName && lhs.entries.map(\.entity) == rhs.entries.map(\.entity) && lhs.entries.map(\.status) == rhs.entries.map(\.status)
            && lhs.writable.map(\.entity) == rhs.writable.map(\.entity) && lhs.threshold == rhs.threshold
    }

    /// Lines for a terminal.
    public var lines: [String] {
        var lines = ["API user: \(userName)"]
        let place = "Admin > Resources/Users (HR) > Security > Security Levels > (the API user's level)"
        for (entity, status) in entries {
            switch status {
            case .ok: lines.append("  OK          \(entity.rawValue) (\(entity.section.rawValue))")
            case .missing(let section):
                lines.append("  MISSING     \(entity.rawValue): \(place) > \(section.rawValue): set View to All")
            case .restricted(let section):
                lines.append("  RESTRICTED  \(entity.rawValue): rows will be missing; \(place) > \(section.rawValue): set View to All")
            case .failed(let reason): lines.append("  FAILED      \(entity.rawValue): \(reason)")
            }
        }
        if !writable.isEmpty {
            let sections = SecuritySection.allCases.filter { section in writable.contains { $0.entity.section == section } }
            lines.append(
                "WARNING: the API user can write (\(writable.map { "\($0.entity.rawValue): \($0.rights.joined(separator: "/"))" }.joined(separator: ", "))). "
                    + "PSA Insight only reads: in \(sections.map(\.rawValue).joined(separator: ", ")) set Add, Edit and Delete to None.")
        }
        if let threshold {
            let percent = (threshold.usedShare * 100).rounded(scale: 1)
            lines.append(
                "Hourly request budget: \(threshold.currentTimeframeRequestCount) of \(threshold.externalRequestThreshold) requests used in the last \(threshold.requestThresholdTimeframe) minutes (\(percent) %), shared by every integration of this database.")
        } else {
            lines.append("Hourly request budget: unknown (ThresholdInformation could not be read).")
        }
        return lines
    }
}

extension AutotaskConnector {
    /// Asks `entityInformation` for every entity PSA Insight reads (one request each) and reads the threshold.
    /// - Throws: ``AutotaskConnectorError`` when the user, secret or integration code is wrong (nothing can be probed).
    public func checkPermissions() async throws(AutotaskConnectorError) -> AutotaskPermissionReport {
        _ = try await discoverZone()
        let threshold = try await threshold()
        var entries: [(AutotaskEntity, AutotaskPermissionReport.Status)] = []
        var writable: [(AutotaskEntity, [String])] = []
        for entity in AutotaskEntity.allCases {
            do {
                let info = try await entityInformation(entity)
                switch info.userAccessForQuery {
                case .all: entries.append((entity, .ok))
                case .restricted: entries.append((entity, .restricted(section: entity.section)))
                case .none: entries.append((entity, .missing(section: entity.section)))
                }
                let rights = [("create", info.userAccessForCreate), ("update", info.userAccessForUpdate), ("delete", info.userAccessForDelete)]
                    .filter { $0.1 != .none }.map(\.0)
                if !rights.isEmpty { writable.append((entity, rights)) }
            } catch .forbidden {
                entries.append((entity, .missing(section: entity.section)))
            } catch .unauthorized(let message) {
                throw .unauthorized(message)
            } catch {
                entries.append((entity, .failed(error.description)))
            }
        }
        return AutotaskPermissionReport(userName: credentials.userName, entries: entries, writable: writable, threshold: threshold)
    }
}
