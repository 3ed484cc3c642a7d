/// The end-user licence agreement, versioned: a new text gets a new version, and every company accepts it again.
enum EULA {
    static let version = "2026-11"

    static let text: HTML = """
        <p><strong>PSA Insight</strong> is open-source software you run yourself or use through someone who runs it for you.
        By using it you agree to the following.</p>
        <ol>
        <li><strong>Your data stays yours.</strong> PSA Insight reads your PSA through the API member or API user you create,
        with read-only rights. It never writes to your PSA. The data it reads is stored in the database of the installation
        you use, and nowhere else.</li>
        <li><strong>Your keys.</strong> API keys you enter are encrypted at rest and never shown again. Remove them, or revoke
        them in your PSA, whenever you like.</li>
        <li><strong>No warranty.</strong> The figures are computed from your PSA's records as documented in the KPI
        definitions. Check them before you rely on them for financial, tax or legal decisions. The software is provided
        "as is", without warranty of any kind.</li>
        <li><strong>Acceptance is recorded:</strong> who accepted which version, when, and from which network address.</li>
        </ol>
        """
}
