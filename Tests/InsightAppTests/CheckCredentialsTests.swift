import InsightApp
import InsightConnectors
import InsightCore
import Testing

@Suite struct CheckCredentialsTests {
    @Test func flagsWinOverTheEnvironmentAndThePrivateKeyComesFromTheEnvironmentOnly() throws {
        let environment = [
            "CONNECTWISE_SITE": "https://na.myconnectwise.net", "CONNECTWISE_COMPANY": "acme", "CONNECTWISE_CLIENT_ID": "client",
            "CONNECTWISE_PUBLIC_KEY": "PUBLIC", "CONNECTWISE_PRIVATE_KEY": "top-secret",
        ]
        let credentials = try Insight.connectWiseCredentials(
            site: nil, company: "other", clientID: nil, publicKey: nil, environment: environment)
        #expect(credentials.companyID == "other")
        #expect(credentials.siteURL == "https://na.myconnectwise.net")
        #expect(credentials.privateKey.reveal() == "top-secret")
        #expect("\(credentials.privateKey)" == "<redacted>", "a secret never prints")
        #expect(!"\(credentials)".contains("top-secret"))
    }

    @Test func missingValuesNameTheFlagOrVariable() {
        #expect(throws: CheckError.missing("--site", variable: "CONNECTWISE_SITE")) {
            try Insight.connectWiseCredentials(site: nil, company: "a", clientID: "b", publicKey: "c", environment: [:])
        }
        #expect(throws: CheckError.missingSecret(variable: "CONNECTWISE_PRIVATE_KEY")) {
            try Insight.connectWiseCredentials(site: "s", company: "a", clientID: "b", publicKey: "c", environment: [:])
        }
    }
}
