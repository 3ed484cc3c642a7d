import Foundation

/// Why the web app cannot start listening: said before any other work (generating, syncing), in one line.
public enum ListenError: Error, Equatable, Sendable, CustomStringConvertible {
    case portInUse(host: String, port: Int)
    case notAllowed(host: String, port: Int)
    case unknownAddress(String)

    public var description: String {
        switch self {
        case .portInUse(let host, let port):
            "port \(port) on \(host) is already in use (another PSA Insight, or another program): stop it, or choose another port with --port, e.g. --port \(port + 1)"
        case .notAllowed(let host, let port):
            "this user may not listen on port \(port) on \(host) (ports below 1024 need privileges): choose another port with --port, e.g. --port 8080"
        case .unknownAddress(let host):
            "'\(host)' is not an address this machine can listen on: pass --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface)"
        }
    }
}

extension Insight {
    /// Checks that `host:port` can be listened on now, by binding a socket to it and closing it at once. Port 0 (any
    /// free port) always can.
    /// - Throws: ``ListenError`` naming the port and the flag that changes it.
    public static func checkCanListen(host: String, port: Int) throws(ListenError) {
        guard port != 0 else { return }
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        #if os(Linux)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let address = found else { throw .unknownAddress(host) }
        defer { freeaddrinfo(found) }
        let descriptor = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        // As the server binds: with SO_REUSEADDR, so that a port in TIME_WAIT is not reported as taken.
        var on: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) != 0 else { return }
        switch errno {
        case EADDRINUSE: throw .portInUse(host: host, port: port)
        case EACCES: throw .notAllowed(host: host, port: port)
        case EADDRNOTAVAIL: throw .unknownAddress(host)
        default: return
        }
    }
}
