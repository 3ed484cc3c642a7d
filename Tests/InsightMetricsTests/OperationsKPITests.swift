import Foundation
import InsightCore
import InsightMetrics
import InsightStore
import InsightTestSupport
import MSPModel
import Testing

extension KPIEngineTests {
    /// Revenue per client, endpoint and member, fixed-fee efficiency and time-entry lag month by month; projects,
    /// product margins, price gaps, per-endpoint agreement numbers, the clients' Pareto curve and the ticket backlog:
    /// each against the truth of `medium`, money and counts exactly, ratios within 1e-9.
    func checkOperations(_ engine: KPIEngine) async throws {
        let months = mediumSnapshot.reportedMonths
        let trend = try await engine.trend(from: months[0], to: months[months.count - 1])
        #expect(mediumTruth.operations.map(\.month) == months)
        for (card, truth) in zip(trend, mediumTruth.operations) {
            let month = "\(truth.month)"
            #expect(card.mrrBridge.clients == truth.recurringClients, "recurring clients \(month)")
            #expect(card.mrrPerClient == truth.mrrPerClient && card.mrrPerEndpoint == truth.mrrPerEndpoint, "MRR per client/endpoint \(month)")
            #expect(card.activeMembers == truth.activeMembers && card.revenuePerMember == truth.revenuePerMember, "per member \(month)")
            #expect(card.fixedFeeLaborRevenue == truth.fixedFeeLaborRevenue, "fixed-fee labor revenue \(month)")
            #expect(card.fixedFeeShadowBillable == truth.fixedFeeShadowBillable, "fixed-fee shadow billable \(month)")
            close(card.efficiency, truth.efficiency, "efficiency \(month)")
            close(card.meanTimeEntryLagHours, truth.meanTimeEntryLagHours, "time-entry lag \(month)")
            #expect(card.lateTimeEntries == truth.lateTimeEntries, "late entries \(month)")
            #expect(card.billableHours == truth.billableHours && card.fixedFeeHours == truth.fixedFeeHours, "billable and fixed-fee hours \(month)")
            #expect(card.additionCost == truth.additionCost && card.productCost == truth.productCost, "third-party cost \(month)")
            // The variants, from the truth's parts by their documented formulas.
            let monthTruth = try #require(mediumTruth.months.first { $0.month == truth.month })
            let revenue = monthTruth.revenue.amount
            let allLabor = monthTruth.laborCost.values.reduce(Decimal(0)) { $0 + $1.amount }
            let clientLabor = allLabor - monthTruth.laborCost[LaborClass.internal.rawValue]!.amount - monthTruth.laborCost[LaborClass.timeOff.rawValue]!.amount
            let thirdParty = truth.additionCost.amount + truth.productCost.amount
            close(card.contributionMargin, (revenue - thirdParty) / revenue, "contribution margin \(month)")
            close(card.grossMarginAfterClientLabor, (revenue - thirdParty - clientLabor) / revenue, "gross margin \(month)")
            close(card.grossMarginAfterAllLabor, (revenue - thirdParty - allLabor) / revenue, "margin after all labor \(month)")
            close(card.billableUtilization, truth.billableHours.value / monthTruth.availableHours.value, "billable utilization \(month)")
            let weekdays = Decimal(truth.month.days.filter { !$0.isWeekend }.count)
            let clientHours = monthTruth.laborHours.filter { $0.key != "internal" && $0.key != "timeOff" }.values.reduce(Decimal(0)) { $0 + $1.value }
            close(card.clientUtilization, clientHours / (8 * weekdays * Decimal(truth.activeMembers)), "client utilization \(month)")
            close(card.fixedFeeEffectiveRate?.amount, truth.fixedFeeLaborRevenue.amount / truth.fixedFeeHours.value, "fixed-fee rate \(month)")
            #expect(card.billedUsers == truth.billedUsers, "billed users \(month)")
            #expect(card.mrrPerUser == (truth.billedUsers > 0 ? Money(monthTruth.mrr.amount / truth.billedUsers, monthTruth.mrr.currency) : nil), "MRR per user \(month)")
            close(card.reactiveHoursPerEndpoint, monthTruth.laborHours["reactive"]!.value / Decimal(monthTruth.endpoints), "RHEM \(month)")
        }
        // The numbers are exercised: efficiency moves month to month, some entries are late, users are billed.
        #expect(mediumTruth.operations.allSatisfy { $0.billedUsers > 0 })
        #expect(Set(mediumTruth.operations.compactMap(\.efficiency)).count > 12)
        #expect(mediumTruth.operations.contains { $0.lateTimeEntries > 0 } && mediumTruth.operations.allSatisfy { $0.recurringClients > 0 })
        // Σ late entries over the span = the late entries the health check finds in it.
        let late = Set(mediumSnapshot.flaws.lateTimeEntries)
        let lateInSpan = mediumSnapshot.timeEntries.filter { late.contains($0.id) && months.contains($0.workDate.yearMonth) }.count
        #expect(trend.reduce(0) { $0 + $1.lateTimeEntries } == lateInSpan)

        let projects = try await engine.projectProfits()
        #expect(projects.map(\.id) == mediumTruth.projects.map(\.id))
        for (project, truth) in zip(projects, mediumTruth.projects) {
            #expect(project.billingMethod == truth.billingMethod && project.revenue == truth.revenue, "project \(project.id)")
            #expect(project.laborHours == truth.laborHours && project.laborCost == truth.laborCost, "project \(project.id)")
            #expect(project.productCost == truth.productCost && project.profit == truth.profit, "project \(project.id)")
            close(project.margin, truth.margin, "project margin \(project.id)")
        }
        let byMethod = ProjectTotals.byMethod(projects, currency: mediumTenant.baseCurrency)
        #expect(byMethod[.fixedFee]!.projects > 0 && byMethod[.timeAndMaterials]!.projects > 0)
        #expect(byMethod[.fixedFee]!.margin != nil && byMethod[.timeAndMaterials]!.margin != nil)
        #expect(byMethod.values.reduce(0) { $0 + $1.projects } == projects.count)

        let products = try await engine.productMargins(from: months[0], to: months[months.count - 1])
        #expect(products.count == mediumTruth.products.count && !products.isEmpty)
        for (item, truth) in zip(products, mediumTruth.products) {
            #expect(item.category == truth.category && item.catalogItem == truth.catalogItem && item.isProduct == truth.isProduct)
            #expect(item.lines == truth.lines && item.quantity == truth.quantity && item.linesWithoutCost == truth.linesWithoutCost, "\(item.catalogItem)")
            #expect(item.revenue == truth.revenue && item.cost == truth.cost, "product \(item.catalogItem)")
        }
        let categories = ProductMargin.byCategory(products, currency: mediumTenant.baseCurrency)
        #expect(categories.reduce(Money.zero(mediumTenant.baseCurrency)) { $0 + $1.revenue }
            == products.reduce(Money.zero(mediumTenant.baseCurrency)) { $0 + $1.revenue })

        let gaps = try await engine.clientPriceGaps(endingIn: months[months.count - 1])
        #expect(gaps.map(\.id) == mediumTruth.priceGaps.map(\.id))
        for (gap, truth) in zip(gaps, mediumTruth.priceGaps) {
            #expect(gap.invoicedLabor == truth.invoicedLabor && gap.shadowBillable == truth.shadowBillable, "price gap \(gap.id)")
        }
        // Some clients are under-priced and some over-priced.
        #expect(gaps.contains { $0.gap.amount < 0 } && gaps.contains { $0.gap.amount > 0 })

        let agreements = try await engine.agreementProfits(from: months[0], to: months[months.count - 1])
        let agreementTruth = Dictionary(uniqueKeysWithValues: mediumTruth.agreements.map { ($0.id, $0) })
        for agreement in agreements {
            let truth = try #require(agreementTruth[agreement.id])
            #expect(agreement.endpoints == truth.endpoints, "endpoints of \(agreement.id)")
            #expect(agreement.hoursPerEndpoint == truth.hoursPerEndpoint && agreement.revenuePerEndpoint == truth.revenuePerEndpoint, "\(agreement.id)")
        }
        #expect(agreements.contains { $0.hoursPerEndpoint != nil })

        let clients = try await engine.clientProfits(from: months[0], to: months[months.count - 1])
        let clientTruth = Dictionary(uniqueKeysWithValues: mediumTruth.clients.map { ($0.id, $0) })
        for client in clients { close(client.cumulativeProfitShare, clientTruth[client.id]?.cumulativeProfitShare, "cumulative share \(client.id)") }
        #expect(clients.first { $0.rank == clients.count }?.cumulativeProfitShare == 1)

        let position = try await engine.position(on: mediumSnapshot.asOfDate)
        #expect(position.ticketBacklog == mediumTruth.position.ticketBacklog)

        // Tickets by board: each board against the truth, and the boards add up to the span's tickets.
        let boards = try await engine.ticketsByBoard(from: months[0], to: months[months.count - 1])
        #expect(boards.map(\.board).sorted() == mediumTruth.boards.map(\.board))
        for (board, truth) in zip(boards.sorted { $0.board < $1.board }, mediumTruth.boards) {
            #expect(board.opened == truth.opened && board.reactive == truth.reactive && board.closed == truth.closed, "board \(board.board)")
            #expect(board.slaDecided == truth.slaDecided && board.slaMet == truth.slaMet, "SLA of board \(board.board)")
        }
        #expect(boards.count > 1 && boards.reduce(0) { $0 + $1.opened } == trend.reduce(0) { $0 + $1.ticketsOpened })
        #expect(boards.reduce(0) { $0 + $1.closed } == trend.reduce(0) { $0 + $1.ticketsClosed })

        // Open-invoice risk by client; the clients add up to the ageing.
        let receivables = try await engine.receivablesByClient(on: mediumSnapshot.asOfDate)
        #expect(receivables.map(\.id).sorted { $0.rawValue < $1.rawValue } == mediumTruth.receivablesByClient.map(\.id))
        let receivableTruth = Dictionary(uniqueKeysWithValues: mediumTruth.receivablesByClient.map { ($0.id, $0) })
        for client in receivables {
            let truth = try #require(receivableTruth[client.id])
            #expect(client.openInvoices == truth.openInvoices && client.balance == truth.balance, "receivables of \(client.id)")
            #expect(client.over60 == truth.over60 && client.oldestDaysPastDue == truth.oldestDaysPastDue, "risk of \(client.id)")
        }
        let ageing = try await engine.receivablesAgeing(on: mediumSnapshot.asOfDate)
        #expect(receivables.reduce(Money.zero(mediumTenant.baseCurrency)) { $0 + $1.over60 } == ageing.over60)
        #expect(receivables.contains { $0.atRisk } && receivables.contains { !$0.atRisk })
    }
}

/// docs/kpis.md's catalogue table lists every KPI with the unit and direction the code declares.
@Test func everyKPIIsInTheCatalogueTable() throws {
    let docs = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/kpis.md").standardizedFileURL, encoding: .utf8)
    func direction(_ higherIsBetter: Bool?) -> String { higherIsBetter.map { $0 ? "higher" : "lower" } ?? "neither" }
    for kpi in KPICatalogue.scorecard {
        let row = "| `\(kpi.id)` | \(kpi.name.trimmingCharacters(in: .whitespaces)) | \(kpi.unit.rawValue) | \(direction(kpi.higherIsBetter)) | month |"
        #expect(docs.contains(row), "missing or different: \(row)")
    }
    for kpi in KPICatalogue.position {
        let row = "| `\(kpi.id)` | \(kpi.name) | \(kpi.unit.rawValue) | \(direction(kpi.higherIsBetter)) | position |"
        #expect(docs.contains(row), "missing or different: \(row)")
    }
}
