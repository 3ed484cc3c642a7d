import InsightCore
import Testing

/// The defaults a company's classification starts from: system values and flags first, names as hints, then usage.
struct ClassificationInferenceTests {
    func infer(_ dimension: ClassificationDimension, _ value: String, records: Int = 10, hints: [String: Int] = [:], lines: Int = 0) -> String {
        ClassificationInference.infer(ClassificationUsage(dimension: dimension, value: value, records: records, hints: hints, withRecurringLines: lines)).className
    }

    @Test func boardsAreReactiveUnlessTheirTicketsOrNamesSayOtherwise() {
        #expect(infer(.ticketBoard, "Service Board", hints: ["other": 10]) == "reactive")
        #expect(infer(.ticketBoard, "Help Desk", hints: ["other": 10]) == "reactive")
        #expect(infer(.ticketBoard, "NOC Alerts", hints: ["other": 10]) == "proactive")
        #expect(infer(.ticketBoard, "Scheduled Maintenance", hints: ["other": 10]) == "proactive")
        #expect(infer(.ticketBoard, "Internal IT", hints: ["other": 10]) == "internal")
        // Structure first: a board of project tickets is project, whatever it is called.
        #expect(infer(.ticketBoard, "Professional Services", hints: ["project": 9, "other": 1]) == "project")
        #expect(infer(.ticketBoard, "Professional Services", hints: ["project": 1, "other": 9]) == "reactive")
    }

    @Test func agreementTypesFollowTheirStructureThenTheirNames() {
        // Block hours and Autotask's system types are structure: the name does not override them.
        #expect(infer(.agreementType, "Gold Support", hints: ["blockHours": 10]) == "blockHours")
        #expect(infer(.agreementType, "Fixed Price / Anything", hints: ["project": 10]) == "project")
        #expect(infer(.agreementType, "Recurring Service / Cloud Subscriptions", hints: ["fixedFee": 10]) == "licenseResale")
        #expect(infer(.agreementType, "Recurring Service / Support Plans", hints: ["fixedFee": 10]) == "fixedFee")
        // ConnectWise types without a recurring amount: additions decide between fixed fee and T&M.
        #expect(infer(.agreementType, "Platinum Support Plan", hints: ["timeAndMaterials": 10], lines: 10) == "fixedFee")
        #expect(infer(.agreementType, "Ad Hoc Support", hints: ["timeAndMaterials": 10]) == "timeAndMaterials")
        #expect(infer(.agreementType, "Microsoft CSP", hints: ["fixedFee": 10], lines: 10) == "licenseResale")
        #expect(infer(.agreementType, "Project - Fixed Price", hints: ["fixedFee": 10]) == "project")
        #expect(infer(.agreementType, "Warranty", hints: ["timeAndMaterials": 10]) == "notRevenue")
    }

    @Test func workTypesFollowTheirFlagsAndTimeOffItsNames() {
        #expect(infer(.workType, "Remote", hints: ["billable": 100]) == "billable")
        #expect(infer(.workType, "Scheduled Work", hints: ["nonBillable": 100]) == "nonBillable")
        #expect(infer(.workType, "Office", hints: ["internal": 100]) == "internal")
        #expect(infer(.workType, "Annual Leave", hints: ["internal": 100]) == "timeOff")
        #expect(infer(.workType, "PTO", hints: ["timeOff": 1]) == "timeOff")
    }

    @Test func namesHintByWholeWordsAndFlagsOutrankThem() {
        #expect(infer(.ticketBoard, "Dispatch", hints: ["other": 10]) == "reactive", "not \"patch\"")
        #expect(infer(.ticketBoard, "Monitoring Alerts", hints: ["other": 10]) == "proactive")
        #expect(infer(.workType, "Laptop Build", hints: ["billable": 10]) == "billable", "not \"pto\"")
        #expect(infer(.workType, "Leave of absence", hints: ["billable": 10]) == "billable", "client work by its flags")
        #expect(infer(.workType, "Parental Leave", hints: ["internal": 10]) == "timeOff")
        #expect(infer(.agreementType, "Managed 3650", hints: ["fixedFee": 10], lines: 10) == "fixedFee", "not \"365\"")
        #expect(infer(.agreementType, "Microsoft 365", hints: ["fixedFee": 10], lines: 10) == "licenseResale")
    }

    @Test func productsBillUsersWhenTheirNamesSaySo() {
        #expect(infer(.additionProduct, "MS-USER") == "perUser")
        #expect(infer(.additionProduct, "MS-WORKSTATION") == "other")
    }

    @Test func everyInferredClassIsOneOfItsDimensions() {
        for dimension in ClassificationDimension.allCases {
            for name in ["Help Desk", "Licensing", "PTO", "Block", "Anything"] {
                for hint in dimension.classes {
                    #expect(dimension.classes.contains(infer(dimension, name, hints: [hint: 3])))
                }
            }
        }
    }
}
