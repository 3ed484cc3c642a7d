import Logging
import Foundation

/// Charts drawn on the server as SVG: no JavaScript, readable by screen readers (a title and a description with
/// the numbers), printable.
enum Chart {
    /// A small trend line for a scorecard tile.
    static func sparkline(_ values: [Decimal], label: String) -> HTML {
        let numbers = values.map { NSDecimalNumber(decimal: $0).doubleValue }
        guard numbers.count > 1, let low = numbers.min(), let high = numbers.max() else { return "" }
        let span = high - low == 0 ? 1 : high - low
        let width = 120.0, height = 28.0
        let points = numbers.enumerated().map { index, value in
            let x = Double(index) / Double(numbers.count - 1) * width
            let y = height - 2 - (value - low) / span * (height - 4)
            return "\(rounded(x)),\(rounded(y))"
        }.joined(separator: " ")
        let last = points.split(separator: " ").last.map(String.init) ?? "0,0"
        let lastXY = last.split(separator: ",")
        return """
            <svg class="spark" viewBox="0 0 \(Int(width)) \(Int(height))" width="\(Int(width))" height="\(Int(height))" role="img" aria-label="\(label)">\
            <polyline fill="none" stroke="currentColor" stroke-width="1.5" points="\(points)"/>\
            <circle cx="\(String(lastXY.first ?? "0"))" cy="\(String(lastXY.last ?? "0"))" r="2.2" fill="currentColor"/></svg>
            """
    }

    /// Vertical bars, one per point, with the value in each bar's tooltip and a description for assistive tech.
    static func bars(_ points: [(label: String, value: Decimal)], title: String, format: (Decimal) -> String) -> HTML {
        let numbers = points.map { NSDecimalNumber(decimal: $0.value).doubleValue }
        guard !numbers.isEmpty else { return "" }
        let high = max(numbers.max() ?? 1, 1)
        let barWidth = 28.0, gap = 12.0, chartHeight = 140.0, top = 8.0
        let width = Double(points.count) * (barWidth + gap) + gap
        var bars: [HTML] = []
        for (index, point) in points.enumerated() {
            let value = max(numbers[index], 0)
            let height = value / high * chartHeight
            let x = gap + Double(index) * (barWidth + gap)
            let y = top + chartHeight - height
            bars.append("""
                <g><title>\(point.label): \(format(point.value))</title>\
                <rect class="bar" x="\(rounded(x))" y="\(rounded(y))" width="\(Int(barWidth))" height="\(rounded(height))" rx="3"/>\
                <text x="\(rounded(x + barWidth / 2))" y="\(Int(top + chartHeight + 16))" text-anchor="middle" class="axis">\(point.label)</text></g>
                """)
        }
        let description = points.map { "\($0.label) \(format($0.value))" }.joined(separator: "; ")
        return """
            <figure class="chart"><svg viewBox="0 0 \(Int(width)) \(Int(top + chartHeight + 24))" role="img" aria-labelledby="chart-title chart-desc">\
            <title id="chart-title">\(title)</title><desc id="chart-desc">\(description)</desc>\(bars)</svg>\
            <figcaption>\(title)</figcaption></figure>
            """
    }

    /// One step of a waterfall: a total drawn from zero, or a change drawn from the running total.
    enum Step {
        case total(Decimal)
        case up(Decimal)
        case down(Decimal)
    }

    /// A waterfall: totals as full bars, rises and falls floating from the running total, each labelled.
    static func waterfall(_ steps: [(label: String, step: Step)], title: String, format: (Decimal) -> String) -> HTML {
        guard !steps.isEmpty else { return "" }
        var running = Decimal(0)
        var spans: [(label: String, from: Decimal, to: Decimal, css: String, value: Decimal)] = []
        for (label, step) in steps {
            switch step {
            case .total(let value):
                running = value
                spans.append((label, 0, value, "bar", value))
            case .up(let value):
                spans.append((label, running, running + value, "bar up", value))
                running += value
            case .down(let value):
                spans.append((label, running - value, running, "bar down", -value))
                running -= value
            }
        }
        // Pixels only: the numbers in the labels and the description stay exact.
        func pixels(_ value: Decimal) -> Double { NSDecimalNumber(decimal: value).doubleValue }
        let high = max(spans.map { pixels(max($0.from, $0.to)) }.max() ?? 1, 1)
        let barWidth = 64.0, gap = 24.0, chartHeight = 160.0, top = 20.0
        let width = Double(spans.count) * (barWidth + gap) + gap
        var bars: [HTML] = []
        for (index, span) in spans.enumerated() {
            let low = pixels(min(span.from, span.to)) / high * chartHeight, tall = pixels(max(span.from, span.to)) / high * chartHeight
            let x = gap + Double(index) * (barWidth + gap)
            let y = top + chartHeight - tall
            bars.append("""
                <g><title>\(span.label): \(format(span.value))</title>\
                <rect class="\(span.css)" x="\(rounded(x))" y="\(rounded(y))" width="\(Int(barWidth))" height="\(rounded(max(tall - low, 1)))" rx="3"/>\
                <text x="\(rounded(x + barWidth / 2))" y="\(rounded(max(y - 4, 10)))" text-anchor="middle" class="axis">\(format(span.value))</text>\
                <text x="\(rounded(x + barWidth / 2))" y="\(Int(top + chartHeight + 16))" text-anchor="middle" class="axis">\(span.label)</text></g>
                """)
        }
        let description = spans.map { "\($0.label) \(format($0.value))" }.joined(separator: "; ")
        return """
            <figure class="chart"><svg viewBox="0 0 \(Int(width)) \(Int(top + chartHeight + 24))" role="img" aria-labelledby="waterfall-title waterfall-desc">\
            <title id="waterfall-title">\(title)</title><desc id="waterfall-desc">\(description)</desc>\(bars)</svg>\
            <figcaption>\(title)</figcaption></figure>
            """
    }

    private static func rounded(_ value: Double) -> String { String(format: "%.1f", value) }
}
