/// A role work is billed at (ConnectWise work role, Autotask role).
public struct WorkRole: SourceRecord, Hashable {
    public var source: PSAKind
    public var id: ID<WorkRole>
    public var updatedAt: Timestamp
    public var name: String
    public var hourlyRate: Money?
    public var active: Bool

    public init(
        source: PSAKind, id: ID<WorkRole>, updatedAt: Timestamp, name: String, hourlyRate: Money?, active: Bool = true
    ) {
        self.source = source
        self.id = id
        self.updatedAt = updatedAt
        self.name = name
        self.hourlyRate = hourlyRate
        self.active = active
    }
}
