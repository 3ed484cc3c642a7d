/// Runs named jobs at most `width` at a time, each once every job it needs has completed; a job whose
/// dependency did not complete is not run. Jobs without dependencies between them never wait for each other.
struct StreamScheduler {
    struct Job: Sendable {
        let name: String
        let needs: [String]
    }

    enum Outcome: Sendable, Equatable {
        case completed
        /// Ran and failed, or was not run; either way its dependents do not run.
        case notCompleted
    }

    let jobs: [Job]
    let width: Int

    /// Runs every job through `body` and returns each job's outcome; `blocked` is called for a job left out
    /// because something it needs did not complete.
    func run(
        _ body: @escaping @Sendable (String) async -> Outcome, blocked: (String, String) -> Void
    ) async -> [String: Outcome] {
        var outcomes: [String: Outcome] = [:]
        var waiting = jobs
        var running = 0
        await withTaskGroup(of: (String, Outcome).self) { group in
            while !waiting.isEmpty || running > 0 {
                // Drop jobs whose dependencies cannot complete any more.
                for job in waiting {
                    if let failed = job.needs.first(where: { outcomes[$0] == .notCompleted }) {
                        outcomes[job.name] = .notCompleted
                        blocked(job.name, "\(failed) did not complete")
                    }
                }
                waiting.removeAll { outcomes[$0.name] != nil }
                while running < width, let index = waiting.firstIndex(where: { $0.needs.allSatisfy { outcomes[$0] == .completed } }) {
                    let job = waiting.remove(at: index)
                    running += 1
                    group.addTask { (job.name, await body(job.name)) }
                }
                guard running > 0, let (name, outcome) = await group.next() else { break }
                running -= 1
                outcomes[name] = outcome
            }
        }
        return outcomes
    }
}
