import Foundation
import InsightCore

/// The ticket side of the directory: board, status, priority and type references, projects and their phases,
/// and what time entries say about tickets (owner, resources, on-site work) and members' weeks (time sheets).
extension ConnectWiseDirectory {
    /// Tickets, their boards and labels, projects and phases; who worked on each ticket and the weekly time
    /// sheets, from the time entries.
    mutating func addTickets(_ tickets: [Ticket], projects: [Project], timeEntries: [TimeEntry]) {
        boardIDs = Dictionary(uniqueKeysWithValues: Set(tickets.map(\.board)).sorted().enumerated().map { ($1, $0 + 1) })
        for project in projects {
            self.projects[project.id] = .object([
                "id": .number(Decimal(string: project.id.rawValue) ?? 0), "name": .string(project.name),
                "_info": link("project", "project/projects", project.id.rawValue),
            ])
            projectMethods[project.id] = project.billingMethod
        }
        for ticket in tickets {
            let phase: JSONValue? = ticket.projectID.map { project in
                .object([
                    "id": .number(Decimal(string: ticket.id.rawValue) ?? 0), "name": .string(ticket.item ?? "Delivery"),
                    "_info": .object(["phase_href": .string("\(baseURL)/project/projects/\(project.rawValue)/phases/\(ticket.id.rawValue)")]),
                ])
            }
            self.tickets[ticket.id] = TicketEntry(
                reference: .object([
                    "id": .number(Decimal(string: ticket.id.rawValue) ?? 0), "summary": .string(ticket.summary),
                    "_info": link("ticket", "service/tickets", ticket.id.rawValue),
                ]),
                summary: ticket.summary, board: ticket.board, status: ticket.status, phase: phase)
            addLabels(of: ticket)
        }
        let onSite = Set(workTypes.compactMap { id, reference -> ID<WorkType>? in
            guard case .string(let name)? = reference.member("name") else { return nil }
            let lowered = name.lowercased()
            return lowered.contains("onsite") || lowered.contains("on-site") ? id : nil
        })
        for entry in timeEntries {
            let sheet = ConnectWiseEncoder.timeSheetID(member: entry.memberID, day: entry.workDate)
            if timeSheets[sheet] == nil { timeSheets[sheet] = ConnectWiseEncoder.weekly(sheet, "timeSheet", "time/sheets", entry.workDate, baseURL) }
            guard let ticket = entry.ticketID else { continue }
            var work = ticketWork[ticket] ?? TicketWork(owner: entry.memberID, ownerStart: entry.startAt, members: [], resources: "", onSite: false)
            if entry.startAt < work.ownerStart { (work.owner, work.ownerStart) = (entry.memberID, entry.startAt) }
            if !work.members.contains(entry.memberID) {
                work.members.append(entry.memberID)
                let identifier = members[entry.memberID]?.identifier ?? entry.memberID.rawValue
                work.resources += work.resources.isEmpty ? identifier : ", \(identifier)"
            }
            if let type = entry.workTypeID, onSite.contains(type) { work.onSite = true }
            ticketWork[ticket] = work
        }
    }

    /// The labels a ticket carries as references: its board, the board's team, status, priority, type, subtype
    /// and item.
    enum TicketLabel: CaseIterable { case board, team, status, priority, type, subType, item }

    /// Builds, once per distinct value, the label references tickets carry; types, subtypes and items are
    /// numbered in the order first seen.
    private mutating func addLabels(of ticket: Ticket) {
        for label in TicketLabel.allCases {
            guard let key = Self.key(label, of: ticket), ticketLabels[key] == nil else { continue }
            ticketLabels[key] = makeLabel(label, of: ticket, id: ticketLabels.count + 1)
        }
    }

    static func key(_ label: TicketLabel, of ticket: Ticket) -> String? {
        switch label {
        case .board: "board|\(ticket.board)"
        case .team: "team|\(ticket.board)"
        case .status: "status|\(ticket.board)|\(ticket.status)|\(ticket.closed)"
        case .priority: "priority|\(ticket.priorityLevel)|\(ticket.priority)"
        case .type: ticket.type.map { "type|\(ticket.board)|\($0)" }
        case .subType: ticket.subtype.map { "subType|\(ticket.board)|\($0)" }
        case .item: ticket.item.map { "item|\(ticket.board)|\($0)" }
        }
    }

    /// `label`'s reference for `ticket`; `id` numbers types, subtypes and items.
    func makeLabel(_ label: TicketLabel, of ticket: Ticket, id: Int) -> JSONValue? {
        // Boards the directory does not know get an id from their name.
        let board = boardIDs[ticket.board] ?? abs(ticket.board.utf8.reduce(0) { $0 &+ Int($1) }) % 100 + 1
        let boardPath = "\(baseURL)/service/boards/\(board)"
        func named(_ id: Int, _ name: String, _ link: String, _ href: String, extra: [String: JSONValue] = [:]) -> JSONValue {
            .object(extra.merging(["id": .number(Decimal(id)), "name": .string(name), "_info": .object(["\(link)_href": .string(href)])]) { $1 })
        }
        switch label {
        case .board: return named(board, ticket.board, "board", boardPath)
        case .team: return named(board, "\(ticket.board) Team", "team", "\(boardPath)/teams/\(board)")
        case .status:
            let (status, sort) = ConnectWiseEncoder.status(ticket.status, closed: ticket.closed)
            // `Sort` with a capital S, as the real API sends it (NOTES.md §6).
            return named(status, ticket.status, "status", "\(boardPath)/statuses/\(status)", extra: ["Sort": .number(Decimal(sort))])
        case .priority:
            return named(
                ticket.priorityLevel, ticket.priority, "priority", "\(baseURL)/service/priorities/\(ticket.priorityLevel)",
                extra: ["sort": .number(Decimal(ticket.priorityLevel * 10))])
        case .type: return ticket.type.map { named(id, $0, "type", "\(boardPath)/types/\(id)") }
        case .subType: return ticket.subtype.map { named(id, $0, "subType", "\(boardPath)/subtypes/\(id)") }
        case .item: return ticket.item.map { named(id, $0, "item", "\(boardPath)/items/\(id)") }
        }
    }

    /// `ticket`'s `label` reference, shared when the directory holds it.
    func label(_ label: TicketLabel, of ticket: Ticket) -> JSONValue? {
        guard let key = Self.key(label, of: ticket) else { return nil }
        return ticketLabels[key] ?? makeLabel(label, of: ticket, id: 1)
    }
}
