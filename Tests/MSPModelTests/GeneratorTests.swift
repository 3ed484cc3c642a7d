import Foundation
import InsightCore
import MSPModel
import Testing

/// The medium business, generated once for the suites that read it.
let medium = try! MSPBusiness.generate(GeneratorSettings(size: .medium, seed: 42))
let mediumSnapshot = medium.snapshot()
let mediumTruth = GroundTruth(mediumSnapshot)

@Suite struct DeterminismTests {
    @Test func theSameSeedGivesTheSameBusinessByteForByte() throws {
        let settings = GeneratorSettings(size: .small, seed: 7)
        let first = try MSPBusiness.generate(settings).snapshot()
        let second = try MSPBusiness.generate(settings).snapshot()
        #expect(first.companies == second.companies)
        #expect(first.members == second.members)
        #expect(first.agreements == second.agreements)
        #expect(first.additions == second.additions)
        #expect(first.invoices == second.invoices)
        #expect(first.timeEntries == second.timeEntries)
        #expect(first.tickets == second.tickets)
        #expect(first.opportunities == second.opportunities)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(GroundTruth(first)) == encoder.encode(GroundTruth(second)))
    }

    @Test func differentSeedsGiveDifferentBusinesses() throws {
        let first = try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 7)).snapshot()
        let second = try MSPBusiness.generate(GeneratorSettings(size: .small, seed: 8)).snapshot()
        #expect(first.companies.map(\.name) != second.companies.map(\.name))
        #expect(GroundTruth(first).revenue != GroundTruth(second).revenue)
    }

    @Test func anUnknownTimeZoneIsRefused() {
        #expect(throws: GeneratorError.unknownTimeZone("Mars/Base")) {
            try MSPBusiness.generate(GeneratorSettings(timeZoneIdentifier: "Mars/Base"))
        }
    }
}

/// The distributions stated in the generator and docs/demo-data.md, checked on `medium` within tolerance.
@Suite struct DistributionTests {
    let snapshot = mediumSnapshot

    private func share(_ part: Int, of whole: Int) -> Double { Double(part) / Double(max(whole, 1)) }

    @Test func sizesAreAsAdvertised() {
        let clients = snapshot.companies.filter { $0.kind == .client }.count
        #expect((130...160).contains(clients), "clients: \(clients)")
        let technicians = snapshot.members.filter { $0.title != "Owner" && $0.title != "Account Manager" }.count
        #expect(technicians == 25)
        #expect(snapshot.reportedMonths.count == 36)
    }

    @Test func reactivePrioritiesFollowTheStatedMix() {
        let reactive = snapshot.tickets.filter { $0.serviceClass == .reactive }
        for (level, expected, tolerance) in [(1, 0.03, 0.01), (2, 0.12, 0.02), (3, 0.60, 0.03), (4, 0.25, 0.03)] {
            let observed = share(reactive.filter { $0.priorityLevel == level }.count, of: reactive.count)
            #expect(abs(observed - expected) < tolerance, "P\(level): \(observed)")
        }
    }

    @Test func verticalsFollowTheStatedMix() {
        let clients = snapshot.companies.filter { $0.kind == .client }
        for (vertical, expected) in [("Healthcare", 0.20), ("Legal", 0.15), ("Manufacturing", 0.15), ("Retail", 0.10)] {
            let observed = share(clients.filter { $0.market == vertical }.count, of: clients.count)
            #expect(abs(observed - expected) < 0.08, "\(vertical): \(observed)")
        }
    }

    @Test func managedServicesDominateTheLaborModels() {
        let clients = Set(snapshot.companies.filter { $0.kind == .client }.map(\.id))
        let managed = Set(snapshot.agreements.filter { $0.billingModel == .fixedFee }.map(\.companyID)).intersection(clients)
        #expect(abs(share(managed.count, of: clients.count) - 0.85) < 0.07)
        // Every model but "not revenue" (internal agreements the generated MSP does not keep).
        for model in Agreement.BillingModel.allCases where model != .notRevenue {
            #expect(snapshot.agreements.contains { $0.billingModel == model }, "no \(model) agreement")
        }
    }

    @Test func ticketTouchesAreMostlyFifteenMinutes() {
        let touches = snapshot.timeEntries.filter { $0.workTypeID == "1" }
        let quarterHours = touches.filter { $0.actualHours == Hours(Decimal(string: "0.25")!) }.count
        #expect(abs(share(quarterHours, of: touches.count) - 0.88) < 0.03)
    }

    @Test func reactiveTicketsPerEndpointAreNearTheModelsRate() {
        let rates = mediumTruth.months.compactMap(\.reactiveTicketsPerEndpoint).map { NSDecimalNumber(decimal: $0).doubleValue }
        let mean = rates.reduce(0, +) / Double(rates.count)
        // 0.32 per endpoint × a mean client propensity of 1.1 × seasonality.
        #expect(abs(mean - 0.35) < 0.05, "mean \(mean)")
    }

    @Test func utilizationAndTimeOffAreRealistic() {
        for month in mediumTruth.months {
            let utilization = NSDecimalNumber(decimal: month.utilization ?? 0).doubleValue
            #expect((0.60...0.90).contains(utilization), "\(month.month): \(utilization)")
        }
        let hours = mediumTruth.laborHours
        let total = hours.values.sum().value
        let timeOff = NSDecimalNumber(decimal: hours["timeOff"]!.value / total).doubleValue
        #expect((0.05...0.15).contains(timeOff), "time off share \(timeOff)")
    }

    @Test func injectedFlawsOccurAtTheirStatedRates() {
        let flaws = snapshot.flaws
        #expect(abs(share(flaws.lateTimeEntries.count, of: snapshot.timeEntries.count) - 0.04) < 0.005)
        #expect(abs(share(flaws.additionsWithoutCost.count, of: snapshot.additions.count) - 0.03) < 0.02)
        let projectTime = snapshot.timeEntries.filter { $0.projectID != nil }.count
        #expect(abs(share(flaws.timeOnAgreementAndProject.count, of: projectTime) - 0.02) < 0.01)
        #expect(flaws.membersWithoutCost.count == 1)
        #expect(flaws.workTypesWithZeroMultiplier == ["6"])
        #expect(flaws.mixedAgreementCategories == ["Managed Services"])
    }

    @Test func injectedFlawsAreExactlyWhatTheRecordsShow() {
        let flaws = snapshot.flaws
        let late = snapshot.timeEntries.filter { entry in
            entry.enteredAt.rawValue - (entry.endAt ?? entry.startAt).rawValue >= 3 * 86_400_000
        }
        #expect(Set(late.map(\.id)) == Set(flaws.lateTimeEntries))
        #expect(Set(snapshot.timeEntries.filter { $0.projectID != nil && $0.agreementID != nil }.map(\.id)) == Set(flaws.timeOnAgreementAndProject))
        #expect(Set(snapshot.additions.filter { $0.unitCost == nil }.map(\.id)) == Set(flaws.additionsWithoutCost))
        #expect(Set(snapshot.members.filter { $0.rates.contains { $0.hourlyCost == nil } }.map(\.id)) == Set(flaws.membersWithoutCost))
    }
}

@Suite struct ReferenceTests {
    @Test func everyReferenceResolves() {
        let s = mediumSnapshot
        let companies = Set(s.companies.map(\.id))
        let members = Set(s.members.map(\.id))
        let agreements = Set(s.agreements.map(\.id))
        let tickets = Set(s.tickets.map(\.id))
        let projects = Set(s.projects.map(\.id))
        let invoices = Set(s.invoices.map(\.id))
        let workTypes = Set(s.workTypes.map(\.id))
        let roles = Set(s.workRoles.map(\.id))
        func ok<T>(_ id: ID<T>?, in set: Set<ID<T>>) -> Bool { id.map(set.contains) ?? true }
        #expect(s.companies.allSatisfy { ok($0.accountManagerID, in: members) })
        #expect(s.configurations.allSatisfy { companies.contains($0.companyID) })
        #expect(s.agreements.allSatisfy { companies.contains($0.companyID) && ok($0.parentID, in: agreements) })
        #expect(s.additions.allSatisfy { agreements.contains($0.agreementID) })
        #expect(s.invoices.allSatisfy { companies.contains($0.companyID) && ok($0.agreementID, in: agreements) && ok($0.projectID, in: projects) })
        #expect(s.productLines.allSatisfy { companies.contains($0.companyID) && ok($0.invoiceID, in: invoices) })
        #expect(s.timeEntries.allSatisfy {
            members.contains($0.memberID) && ok($0.companyID, in: companies) && ok($0.ticketID, in: tickets)
                && ok($0.projectID, in: projects) && ok($0.agreementID, in: agreements) && ok($0.workTypeID, in: workTypes)
                && ok($0.workRoleID, in: roles) && ok($0.invoiceID, in: invoices)
        })
        #expect(s.expenses.allSatisfy { members.contains($0.memberID) && ok($0.companyID, in: companies) })
        #expect(s.tickets.allSatisfy { companies.contains($0.companyID) && ok($0.agreementID, in: agreements) && ok($0.projectID, in: projects) })
        #expect(s.projects.allSatisfy { companies.contains($0.companyID) && ok($0.agreementID, in: agreements) })
        #expect(s.opportunities.allSatisfy { companies.contains($0.companyID) && ok($0.salesMemberID, in: members) })
        #expect(Set(s.timeEntries.map(\.id)).count == s.timeEntries.count, "ids are unique")
    }
}

@Suite struct GroundTruthIdentityTests {
    let snapshot = mediumSnapshot
    let truth = mediumTruth

    @Test func revenueIsTheSumOfInvoiceSubtotals() {
        let months = Set(snapshot.reportedMonths)
        let subtotals = Money.sum(snapshot.invoices.filter { months.contains($0.date.yearMonth) }.map(\.subtotal), currency: .usd)
        #expect(truth.revenue == subtotals)
        #expect(Money.sum(truth.revenueByKind.values, currency: .usd) == truth.revenue)
        for month in truth.months {
            #expect(Money.sum(month.revenueByKind.values, currency: .usd) == month.revenue)
        }
    }

    @Test func mrrIsWhatTheRecurringAdditionsBill() {
        for month in truth.months {
            let day = month.month.firstDay
            let recurring = Set(snapshot.agreements.filter {
                ($0.billingModel == .fixedFee || $0.billingModel == .licenseResale) && $0.startDate <= day
                    && ($0.cancelledDate.map { day < $0 } ?? true)
            }.map(\.id))
            let billed = Money.sum(snapshot.additions.filter { recurring.contains($0.agreementID) && $0.billedToCustomer && $0.isActive(on: day) }
                .map { $0.unitPrice * $0.quantity }, currency: .usd)
            #expect(month.mrr == billed, "\(month.month)")
            #expect(month.arr == month.mrr * Decimal(12))
        }
    }

    @Test func agreementProfitIsRevenueLessLaborLessAdditionCost() {
        #expect(!truth.agreements.isEmpty)
        for agreement in truth.agreements {
            #expect(agreement.profit == agreement.revenue - agreement.laborCost - agreement.additionCost)
        }
        let onAgreements = Money.sum(truth.agreements.map(\.revenue), currency: .usd)
        let months = Set(snapshot.reportedMonths)
        let elsewhere = Money.sum(snapshot.invoices.filter { $0.agreementID == nil && months.contains($0.date.yearMonth) }.map(\.subtotal), currency: .usd)
        #expect(onAgreements + elsewhere == truth.revenue)
    }

    @Test func laborHoursAndCostAddUp() {
        let months = Set(snapshot.reportedMonths)
        let entries = snapshot.timeEntries.filter { months.contains($0.workDate.yearMonth) }
        #expect(truth.laborHours.values.sum() == entries.map(\.actualHours).sum())
        let multipliers = Dictionary(uniqueKeysWithValues: snapshot.workTypes.map { ($0.id, $0.costMultiplier) })
        let cost = entries.reduce(Decimal(0)) { $0 + $1.actualHours.value * ($1.hourlyCost?.amount ?? 0) * multipliers[$1.workTypeID!]! }
        #expect(Money.sum(truth.laborCost.values, currency: .usd).amount == cost)
    }

    @Test func receivablesByAgeAddUpToOpenBalances() {
        let open = Money.sum(snapshot.invoices.map(\.balance), currency: .usd)
        #expect(Money.sum(truth.receivablesByAge.values, currency: .usd) == open)
        #expect(!(truth.receivablesByAge["90+"]!.isZero), "bad payers leave old balances")
    }

    @Test func clientGrossProfitIsRevenueLessCosts() {
        for client in truth.clients {
            #expect(client.grossProfit == client.revenue - client.laborCost - client.additionCost - client.productCost)
        }
    }
}

@Suite struct ChangesOverTimeTests {
    let before = mediumSnapshot
    let after = medium.advanced(byDays: 14)

    @Test func theBusinessMovesOnWithNewEditedAndDeletedRecords() {
        #expect(after.timeEntries.count > before.timeEntries.count)
        #expect(after.tickets.count > before.tickets.count)
        #expect(after.invoices.count > before.invoices.count, "the 1st of the month brings agreement invoices")
        let newDeletions = Set(after.deleted).subtracting(before.deleted)
        #expect(!newDeletions.isEmpty)
        #expect(newDeletions.allSatisfy { $0.deletedAt > before.asOf && $0.deletedAt <= after.asOf })
        let ids = Set(after.timeEntries.map(\.id.rawValue) + after.tickets.map(\.id.rawValue))
        #expect(newDeletions.allSatisfy { !ids.contains($0.id) })
        let previous = Dictionary(uniqueKeysWithValues: before.invoices.map { ($0.id, $0) })
        let edited = after.invoices.filter { invoice in previous[invoice.id].map { $0 != invoice } ?? false }
        #expect(!edited.isEmpty, "payments change balances")
    }

    /// What incremental sync relies on: a record whose update time did not move is unchanged, and every update
    /// time is at or before the snapshot.
    @Test func aRecordChangesOnlyWithItsUpdateTime() {
        func check<R: SourceRecord>(_ old: [R], _ new: [R], _ asOf: Timestamp) {
            let previous = Dictionary(uniqueKeysWithValues: old.map { ($0.id, $0) })
            for record in new {
                #expect(record.updatedAt <= asOf)
                guard let earlier = previous[record.id] else { continue }
                if record.updatedAt == earlier.updatedAt {
                    #expect(record == earlier, "\(R.self) \(record.id) changed without a new update time")
                } else {
                    #expect(record.updatedAt > earlier.updatedAt)
                }
            }
        }
        check(before.companies, after.companies, after.asOf)
        check(before.configurations, after.configurations, after.asOf)
        check(before.members, after.members, after.asOf)
        check(before.agreements, after.agreements, after.asOf)
        check(before.additions, after.additions, after.asOf)
        check(before.invoices, after.invoices, after.asOf)
        check(before.productLines, after.productLines, after.asOf)
        check(before.timeEntries, after.timeEntries, after.asOf)
        check(before.expenses, after.expenses, after.asOf)
        check(before.tickets, after.tickets, after.asOf)
        check(before.projects, after.projects, after.asOf)
        check(before.opportunities, after.opportunities, after.asOf)
    }
}
