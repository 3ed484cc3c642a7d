public import SQLKit

/// `SUM(column)` of a fixed-point (`_micros`) column as a 64-bit integer on both engines.
///
/// PostgreSQL widens `SUM(bigint)` to `numeric` while SQLite keeps an integer; casting back to `BIGINT`
/// gives one type to decode everywhere, and stays exact (it fails loudly on overflow rather than rounding).
/// An empty set sums to `0`, not `NULL`.
public func exactSum(_ column: String) -> any SQLExpression {
    SQLQueryString("CAST(COALESCE(SUM(\(ident: column)), 0) AS BIGINT)")
}
