import Foundation
import InsightCore

/// The fixed vocabulary of the generated MSP: its work types, roles, products, verticals and names.
enum Catalog {
    // MARK: Work types (ConnectWise work types / Autotask billing codes)

    struct WorkTypeSpec {
        let id: Int
        let name: String
        let billable: Bool
        let costMultiplier: Decimal
        let utilized: Bool
        let timeOff: Bool
    }

    static let remoteSupport = 1, onsiteSupport = 2, projectWork = 3, proactive = 4, afterHours = 5, travel = 6
    static let internalAdmin = 7, training = 8, pto = 9, holiday = 10

    static let workTypes: [WorkTypeSpec] = [
        .init(id: 1, name: "Remote Support", billable: true, costMultiplier: 1, utilized: true, timeOff: false),
        .init(id: 2, name: "Onsite Support", billable: true, costMultiplier: 1, utilized: true, timeOff: false),
        .init(id: 3, name: "Project Work", billable: true, costMultiplier: 1, utilized: true, timeOff: false),
        .init(id: 4, name: "Proactive Maintenance", billable: false, costMultiplier: 1, utilized: true, timeOff: false),
        .init(id: 5, name: "After Hours", billable: true, costMultiplier: Decimal(string: "1.5")!, utilized: true, timeOff: false),
        // Data-health flaw: a zero multiplier makes travel time cost nothing (fake profit).
        .init(id: 6, name: "Travel", billable: false, costMultiplier: 0, utilized: true, timeOff: false),
        .init(id: 7, name: "Internal Admin", billable: false, costMultiplier: 1, utilized: false, timeOff: false),
        .init(id: 8, name: "Training", billable: false, costMultiplier: 1, utilized: false, timeOff: false),
        .init(id: 9, name: "PTO", billable: false, costMultiplier: 1, utilized: false, timeOff: true),
        .init(id: 10, name: "Holiday", billable: false, costMultiplier: 1, utilized: false, timeOff: true),
    ]

    // MARK: People

    /// A technician's level: decides cost, billing rate, work role, utilization target and kind of work.
    enum Tier: Int, CaseIterable {
        case helpDesk, systemsEngineer, seniorEngineer, projectEngineer

        var title: String {
            switch self {
            case .helpDesk: "Help Desk Technician"
            case .systemsEngineer: "Systems Engineer"
            case .seniorEngineer: "Senior Engineer"
            case .projectEngineer: "Project Engineer"
            }
        }
        /// Work role id and name, and its hourly rate in whole dollars.
        var roleID: Int { rawValue + 1 }
        var roleName: String {
            switch self {
            case .helpDesk: "Help Desk"
            case .systemsEngineer: "Systems Engineer"
            case .seniorEngineer: "Senior Engineer"
            case .projectEngineer: "Project Engineer"
            }
        }
        var roleRate: Int { [125, 155, 175, 185][rawValue] }
        /// Starting hourly cost range in cents (fully loaded), and the member's own billing rate in dollars.
        var costCents: ClosedRange<Int> { [2_600...3_400, 3_600...4_600, 4_800...6_200, 4_600...5_800][rawValue] }
        var memberRate: Int { [125, 150, 175, 185][rawValue] }
        /// Share of capacity spent on client work (utilized) on a normal day.
        var utilizationTarget: Double { [0.80, 0.74, 0.64, 0.76][rawValue] }
    }

    /// Share of technicians per tier: 40% help desk, 30% systems, 15% senior, 15% project.
    static let tierWeights: [(Tier, Double)] = [
        (.helpDesk, 0.40), (.systemsEngineer, 0.30), (.seniorEngineer, 0.15), (.projectEngineer, 0.15),
    ]

    static let firstNames = [
        "Alex", "Jordan", "Sam", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Drew", "Reese",
        "Skyler", "Rowan", "Emerson", "Harper", "Parker", "Logan", "Cameron", "Hayden", "Dakota", "Elliot", "Finley",
        "Kendall", "Blake", "Sage", "Charlie", "Peyton", "Marley", "Remy",
    ]
    static let lastNames = [
        "Nguyen", "Patel", "Garcia", "Smith", "Johnson", "Kim", "Brown", "Lopez", "Miller", "Davis", "Wilson", "Clark",
        "Lewis", "Walker", "Young", "Hall", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson",
        "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Torres", "Parker",
    ]

    // MARK: Clients

    /// Verticals and their share of clients.
    static let verticals: [(String, Double)] = [
        ("Healthcare", 0.20), ("Legal", 0.15), ("Manufacturing", 0.15), ("Financial Services", 0.15),
        ("Nonprofit", 0.10), ("Construction", 0.10), ("Retail", 0.10), ("Professional Services", 0.05),
    ]
    static let namePrefixes = [
        "Contoso", "Fabrikam", "Northwind", "Tailspin", "Adventure", "Litware", "Proseware", "Woodgrove", "Lucerne",
        "Margie's", "Fourth Coffee", "Wingtip", "Alpine", "Blue Yonder", "Coho", "Graphic", "Humongous", "Southridge",
        "Trey", "Wide World", "Bellows", "Cedar", "Summit", "Harbor", "Granite", "Prairie", "Riverside", "Lakeshore",
        "Pinnacle", "Keystone", "Redwood", "Evergreen", "Ironwood", "Meridian", "Sterling", "Oakridge",
    ]
    static func nameSuffix(for vertical: String) -> [String] {
        switch vertical {
        case "Healthcare": ["Family Clinic", "Dental", "Pediatrics", "Physical Therapy", "Eye Care", "Health Partners"]
        case "Legal": ["Law Group", "& Associates LLP", "Legal", "Law Offices", "Attorneys"]
        case "Manufacturing": ["Manufacturing", "Fabrication", "Industries", "Machine Works", "Plastics"]
        case "Financial Services": ["Wealth Advisors", "CPA Group", "Financial", "Credit Union", "Insurance Agency"]
        case "Nonprofit": ["Foundation", "Community Services", "Food Bank", "Youth Alliance", "Arts Council"]
        case "Construction": ["Builders", "Construction", "Contracting", "Homes", "Roofing"]
        case "Retail": ["Outfitters", "Market", "Boutique", "Supply Co", "Hardware"]
        default: ["Consulting", "Architects", "Engineering", "Marketing", "Design Studio"]
        }
    }

    // MARK: Products (catalog items sold on invoices)

    struct ProductSpec {
        let identifier: String
        let description: String
        let category: String
        let isProduct: Bool
        let priceCents: Int
        let costCents: Int
    }

    static let products: [ProductSpec] = [
        .init(identifier: "LAPTOP-14", description: "Business laptop 14\"", category: "Hardware", isProduct: true, priceCents: 129_999, costCents: 101_540),
        .init(identifier: "DESKTOP-SFF", description: "Small form factor desktop", category: "Hardware", isProduct: true, priceCents: 94_900, costCents: 74_210),
        .init(identifier: "MONITOR-27", description: "27\" monitor", category: "Hardware", isProduct: true, priceCents: 24_900, costCents: 18_040),
        .init(identifier: "FW-200", description: "Next-gen firewall", category: "Network", isProduct: true, priceCents: 180_000, costCents: 135_000),
        .init(identifier: "SW-24P", description: "24-port PoE switch", category: "Network", isProduct: true, priceCents: 65_000, costCents: 48_125),
        .init(identifier: "WAP-6E", description: "Wi-Fi 6E access point", category: "Network", isProduct: true, priceCents: 42_500, costCents: 30_990),
        .init(identifier: "SRV-1U", description: "1U server", category: "Servers", isProduct: true, priceCents: 689_000, costCents: 551_200),
        .init(identifier: "UPS-1500", description: "1500VA UPS", category: "Power", isProduct: true, priceCents: 52_900, costCents: 39_675),
        .init(identifier: "SW-LIC-OFFICE", description: "Office perpetual licence", category: "Software", isProduct: true, priceCents: 43_999, costCents: 38_720),
        .init(identifier: "INSTALL", description: "Installation and setup labor", category: "Labor", isProduct: false, priceCents: 15_000, costCents: 0),
    ]

    // MARK: Tickets

    static let reactiveTypes: [(String, String, String)] = [
        ("Hardware", "Printer", "Offline"), ("Hardware", "Workstation", "Slow"), ("Hardware", "Laptop", "Will not boot"),
        ("Software", "Microsoft 365", "Outlook"), ("Software", "Line of business", "Error"), ("Software", "Browser", "Crash"),
        ("Network", "Internet", "Outage"), ("Network", "VPN", "Cannot connect"), ("Network", "Wi-Fi", "Intermittent"),
        ("Account", "Password", "Reset"), ("Account", "New user", "Onboarding"), ("Account", "Permissions", "Access request"),
        ("Security", "Email", "Phishing report"), ("Security", "Endpoint", "Malware alert"),
    ]
    static let proactiveTypes: [(String, String, String)] = [
        ("Maintenance", "Patching", "Monthly patch cycle"), ("Maintenance", "Backup", "Restore test"),
        ("Review", "Technology", "Quarterly business review"), ("Maintenance", "Monitoring", "Disk space alert"),
    ]

    /// Priority name, level and weight among reactive tickets: 3% P1, 12% P2, 60% P3, 25% P4.
    static let priorities: [((String, Int), Double)] = [
        (("Priority 1 - Emergency", 1), 0.03), (("Priority 2 - Quick", 2), 0.12), (("Priority 3 - Normal", 3), 0.60),
        (("Priority 4 - Low", 4), 0.25),
    ]
    /// Median minutes to first response and to resolution per priority level (1…4), before load.
    static let responseMedian: [Double] = [0, 10, 30, 90, 240]
    static let resolutionMedian: [Double] = [0, 150, 420, 1_500, 4_200]
    /// Resolution SLA per priority level, in minutes: 4 h, 8 h, 3 days, 5 days.
    static let resolutionSLA: [Int64] = [0, 240, 480, 4_320, 7_200]

    // MARK: Calendar

    /// US holidays the MSP closes on: New Year's Day, Memorial Day, Independence Day, Labor Day, Thanksgiving and
    /// the day after, Christmas Day (moved to the Monday or Friday when they fall on a weekend).
    static func holidays(in year: Int) -> Set<CalendarDate> {
        func observed(_ date: CalendarDate) -> CalendarDate {
            switch date.isoWeekday {
            case 6: date.adding(days: -1)
            case 7: date.adding(days: 1)
            default: date
            }
        }
        func nth(_ n: Int, weekday: Int, month: Int) -> CalendarDate {
            var date = CalendarDate(year: year, month: month, day: 1)!
            while date.isoWeekday != weekday { date = date.adding(days: 1) }
            return date.adding(days: 7 * (n - 1))
        }
        func last(weekday: Int, month: Int) -> CalendarDate {
            var date = YearMonth(year: year, month: month)!.lastDay
            while date.isoWeekday != weekday { date = date.adding(days: -1) }
            return date
        }
        let thanksgiving = nth(4, weekday: 4, month: 11)
        return [
            observed(CalendarDate(year: year, month: 1, day: 1)!), last(weekday: 1, month: 5),
            observed(CalendarDate(year: year, month: 7, day: 4)!), nth(1, weekday: 1, month: 9), thanksgiving,
            thanksgiving.adding(days: 1), observed(CalendarDate(year: year, month: 12, day: 25)!),
        ]
    }

    /// Ticket volume by calendar month: January busy, summer and December quiet.
    static let seasonality: [Double] = [0, 1.12, 1.04, 1.02, 1.0, 0.98, 0.95, 0.90, 0.90, 1.02, 1.05, 1.0, 0.85]
    /// How likely a technician takes a PTO day, by calendar month (summer and December highest).
    static let ptoSeasonality: [Double] = [0, 0.7, 0.7, 1.0, 0.9, 1.0, 1.3, 1.7, 1.6, 0.8, 0.9, 1.0, 1.6]
}
