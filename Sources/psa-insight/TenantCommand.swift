import ArgumentParser
import Foundation
import InsightApp
import InsightCore
import InsightStore

/// `psa-insight tenant`: the MSPs this store holds.
struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "List or add the MSPs (tenants) this store holds.", subcommands: [List.self, Add.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tenants.")
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let (configuration, logger) = try options.bootstrap()
            let tenants = try await reportingErrors {
                try await Insight.withStore(configuration, logger: logger) { store in
                    try await store.migrate(now: Timestamp(Date()))
                    return try await store.allTenants()
                }
            }
            if tenants.isEmpty { print("No tenants yet: add one with `psa-insight tenant add`, or run `psa-insight sync --simulate connectwise`.") }
            for tenant in tenants {
                print("\(tenant.id.rawValue)\t\(tenant.name)\t\(tenant.psa.displayName)\t\(tenant.baseCurrency.rawValue)\t\(tenant.timeZoneIdentifier)")
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a tenant (or update its settings).")
        @OptionGroup var options: StoreOptions
        @Option(help: "A short id, e.g. northwind.") var id: String
        @Option(help: "The MSP's company name.") var name: String
        @Option(help: "connectwise or autotask.") var psa: PSAKind
        @Option(help: "ISO currency code of the PSA's amounts.") var currency = "USD"
        @Option(help: "IANA time zone of the MSP, e.g. America/Chicago.") var timeZone = "America/Chicago"
        @Option(help: "The month the fiscal year starts (1-12).") var fiscalYearStart = 1

        func run() async throws {
            let (configuration, logger) = try options.bootstrap()
            guard let code = CurrencyCode(rawValue: currency.uppercased()) else {
                throw ValidationError("'\(currency)' is not an ISO currency code such as USD.")
            }
            let tenant = try reportingErrors {
                try Tenant(
                    id: Tenant.ID(id), name: name, psa: psa, baseCurrency: code, timeZoneIdentifier: timeZone,
                    fiscalYearStartMonth: fiscalYearStart, createdAt: Timestamp(Date()))
            }
            try await reportingErrors {
                try await Insight.withStore(configuration, logger: logger) { store in
                    try await store.migrate(now: Timestamp(Date()))
                    try await store.save(tenant)
                }
            }
            print("Tenant \(tenant.id.rawValue) (\(tenant.name), \(tenant.psa.displayName)) saved.")
        }
    }
}
