public import Foundation

/// A kind of work (ConnectWise work type, Autotask billing code): decides whether time is billable, what it
/// costs, and whether it counts towards utilization.
public struct WorkType: SourceRecord, Hashable {
    public var source: PSAKind
    public var id: ID<WorkType>
    public var updatedAt: Timestamp
    public var name: String
    /// Whether time of this type is billable by default.
    public var billable: Bool
    /// Labor cost = hours × member cost × multiplier. `0` hides the cost entirely (a data-health flaw).
    public var costMultiplier: Decimal
    /// Whether the hours count as utilized (client work) rather than internal.
    public var countsAsUtilized: Bool
    /// Paid time off or holiday: removed from available hours.
    public var isTimeOff: Bool
    public var active: Bool

    public init(
        source: PSAKind, id: ID<WorkType>, updatedAt: Timestamp, name: String, billable: Bool,
        costMultiplier: Decimal, countsAsUtilized: Bool, isTimeOff: Bool, active: Bool = true
    ) {
        self.source = source
        self.id = id
        self.updatedAt = updatedAt
        self.name = name
        self.billable = billable
        self.costMultiplier = costMultiplier
        self.countsAsUtilized = countsAsUtilized
        self.isTimeOff = isTimeOff
        self.active = active
    }
}
