import Logging
import ConnectWiseAPI
import InsightCore

/// The in-app set-up guides, in our own words. The ConnectWise table is generated from
/// ``ConnectWiseEndpoint/function``, the same source the permission doctor checks, so the two never disagree.
enum SetupGuide {
    static func page(for psa: PSAKind) -> HTML {
        switch psa {
        case .connectwise: connectWise
        case .autotask: autotask
        }
    }

    /// Each security-role function PSA Insight needs, once, in module order.
    static var connectWiseFunctions: [SecurityFunction] {
        var seen = Set<SecurityFunction>()
        return ConnectWiseEndpoint.allCases.map(\.function).filter { seen.insert($0).inserted }
            .sorted { ($0.module, $0.name) < ($1.module, $1.name) }
    }

    static var connectWise: HTML {
        let rows: [HTML] = connectWiseFunctions.map { function in
            "<tr><td>\(function.module)</td><td>\(function.name)</td><td>None</td><td>None</td><td>None</td><td><strong>All</strong></td></tr>"
        }
        return """
            <section class="card"><h1>Connect ConnectWise PSA, read-only</h1>
            <p>You create three things in ConnectWise: a security role that can only read, an API member that has it, and a pair of API keys.
            It takes about ten minutes and needs an admin login.</p>
            <h2>1. Create the security role</h2>
            <p>Go to <strong>System › Security Roles</strong>, click <strong>+</strong>, name the role <em>PSA Insight (read-only)</em> and save.
            Every function starts at None. Open each module below and set <em>Inquire Level</em> to <strong>All</strong> for these functions only;
            leave Add, Edit and Delete at <strong>None</strong> everywhere.</p>
            <table><thead><tr><th>Module</th><th>Function</th><th>Add</th><th>Edit</th><th>Delete</th><th>Inquire</th></tr></thead><tbody>\(rows)</tbody></table>
            <p class="hint">"Test connection" checks exactly these settings and names any that are missing.</p>
            <h2>2. Create the API member</h2>
            <p>Go to <strong>System › Members</strong>, open the <strong>API Members</strong> tab and click <strong>+</strong>.
            Give it a name such as <em>PSA Insight</em>, choose the role <em>PSA Insight (read-only)</em>, a location and a business unit, and save.</p>
            <h2>3. Create the API keys</h2>
            <p>On the API member, open the <strong>API Keys</strong> tab, click <strong>+</strong>, describe it as <em>PSA Insight</em> and save.
            ConnectWise shows the <strong>public key</strong> and the <strong>private key</strong>. <strong>The private key is shown only once:</strong>
            paste it straight into our form. Do not email it or put it in a ticket.</p>
            <h2>4. Fill in our form</h2>
            <table><tbody>
            <tr><th>Site URL</th><td>The address you sign in to, e.g. https://na.myconnectwise.net (or your own server).</td></tr>
            <tr><th>Company ID</th><td>The company you type at the ConnectWise login screen.</td></tr>
            <tr><th>Public key, private key</th><td>From step 3.</td></tr>
            <tr><th>Client ID</th><td>Already filled in: PSA Insight's integration id.</td></tr>
            </tbody></table></section>
            """
    }

    /// The 11 sections of an Autotask security level, in the order Autotask shows them.
    static let autotaskSections = [
        "Contracts", "CRM", "Inventory", "Projects", "Service Desk", "Documents & Knowledgebase", "Timesheets", "Reports",
        "Admin", "Other", "Web Services API",
    ]

    static var autotask: HTML {
        let rows: [HTML] = autotaskSections.map { section in
            let right: String = switch section {
            case "Contracts", "CRM", "Inventory", "Projects", "Service Desk", "Timesheets": "View (read) only: All; Add, Edit, Delete: None"
            case "Web Services API": "Keep as copied from \"API User (system) (API-only)\""
            default: "No Permission"
            }
            return "<tr><td>\(section)</td><td>\(right)</td></tr>"
        }
        return """
            <section class="card"><h1>Connect Autotask PSA, read-only</h1>
            <h2>1. Create the security level</h2>
            <p>Go to <strong>Admin › Account Settings &amp; Users › Resources/Users (HR) › Security › Security Levels</strong>.
            Copy <strong>API User (system) (API-only)</strong> and name the copy <em>PSA Insight (read-only)</em>.
            Set every one of its 11 sections to <strong>No Permission</strong>, then grant only these read rights:</p>
            <table><thead><tr><th>Section</th><th>Setting</th></tr></thead><tbody>\(rows)</tbody></table>
            <h2>2. Create the API user</h2>
            <p>Go to <strong>Admin › Resources/Users (HR) › Resources/Users</strong>, choose <strong>New › New API User</strong>,
            pick the security level <em>PSA Insight (read-only)</em> and, under API Tracking Identifier, choose
            <strong>Integration Vendor</strong> and <em>PSA Insight</em> (or the custom identifier your operator gave you).</p>
            <h2>3. Generate the key and secret</h2>
            <p>Click <strong>Generate Key</strong> and <strong>Generate Secret</strong>. <strong>The secret is shown only once:</strong>
            paste it straight into our form; do not email it.</p>
            <h2>4. Fill in our form</h2>
            <p>Username (key), secret and integration code (tracking identifier). PSA Insight finds your zone by itself.</p></section>
            """
    }
}
