import ConnectWiseAPI
import ConnectWiseSimulator
import Foundation
public import Hummingbird
public import Logging
public import MSPModel

extension Insight {
    /// A ConnectWise simulator serving a generated business, ready to run, with the lines to print so that a
    /// person can point any ConnectWise client at it.
    public static func connectWiseSimulator(
        business settings: GeneratorSettings, host: String, port: Int, logger: Logger
    ) throws -> (application: some ApplicationProtocol, banner: [String]) {
        var simulator = ConnectWiseSimulatorSettings()
        simulator.publicURL = "http://\(host):\(port)"
        let business = try MSPBusiness.generate(settings)
        let site = SimulatedSite(business: business, settings: simulator)
        var banner = [
            "ConnectWise PSA simulator: \(settings.size.rawValue) business, seed \(settings.seed), as of \(business.endOfSpan)",
            "  site URL:    \(simulator.publicURL)   (API base \(simulator.apiBase), codebase \(simulator.codebase))",
            "  company id:  \(simulator.companyID)",
            "  client id:   \(simulator.clientID)",
        ]
        for member in simulator.members {
            banner.append("  role \"\(member.role.name)\": public key \(member.publicKey), private key \(member.privateKey)")
        }
        return (ConnectWiseSimulator.application(site: site, host: host, port: port, logger: logger), banner)
    }
}
