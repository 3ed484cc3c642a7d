import Foundation
import InsightApp
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A listening socket on a free 127.0.0.1 port, as another program holding the port would have; closed by `body`'s end.
func withPortTaken<R>(_ body: (Int) throws -> R) throws -> R {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #expect(descriptor >= 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
    #expect(bound == 0 && listen(descriptor, 1) == 0)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
    return try body(Int(UInt16(bigEndian: address.sin_port)))
}

/// Bad start-up input is said at once, in one line naming the fix, before any other work.
struct StartupTests {
    @Test(arguments: ["demo", "serve"])
    func aPortInUseIsSaidAtOnceWithTheFlagThatChangesIt(command: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("startup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try withPortTaken { port in
            let started = Date()
            let result = try runInsight([command, "--port", String(port), "--data-dir", directory.path], environment: [:])
            #expect(result.status != 0)
            #expect(result.stderr.contains("port \(port) on 127.0.0.1 is already in use") && result.stderr.contains("--port"), "\(result.stderr)")
            #expect(Date().timeIntervalSince(started) < 5, "said before generating or syncing anything")
            #expect(!result.stdout.contains("Generating"))
        }
    }

    /// A mistyped or unreachable site is said at the first contact, naming the address tried, not retried for minutes.
    @Test func aSyncAgainstAClosedPortFailsAtOnceNamingTheAddress() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("startup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try withPortTaken { $0 }  // closed again: nothing listens there
        let added = try runInsight(
            ["tenant", "add", "--id", "closed", "--name", "Closed IT", "--psa", "connectwise", "--data-dir", directory.path], environment: [:])
        #expect(added.status == 0, "\(added.stderr)")
        let started = Date()
        let result = try runInsight(
            ["sync", "--tenant", "closed", "--site", "http://127.0.0.1:\(port)", "--company", "acme", "--client-id", "client",
             "--public-key", "public", "--data-dir", directory.path],
            environment: ["CONNECTWISE_PRIVATE_KEY": "private"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("127.0.0.1"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func aFreePortPassesTheCheck() throws {
        let port = try withPortTaken { $0 }  // free again once closed
        try Insight.checkCanListen(host: "127.0.0.1", port: port)
        #expect(throws: ListenError.unknownAddress("no-such-host.invalid")) { try Insight.checkCanListen(host: "no-such-host.invalid", port: 8080) }
    }
}
