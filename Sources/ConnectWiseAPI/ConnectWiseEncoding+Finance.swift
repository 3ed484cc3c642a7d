import Foundation
public import InsightCore

/// Agreements, their additions, invoices and product items.
extension ConnectWiseEncoder {
    /// An agreement. Agreements that pay for time (fixed fee, block hours) cover agreement time; block hours
    /// carry their monthly limit, roll unused hours over and allow overruns (billed at month end).
    public func agreement(_ record: Agreement, typeID: Int) -> JSONValue {
        let status: String =
            switch record.status {
            case .active: "Active"
            case .cancelled: "Cancelled"
            case .expired: "Expired"
            case .inactive: "Inactive"
            }
        let cycle: String =
            switch record.billingCycle {
            case .monthly: "Monthly"
            case .quarterly: "Quarterly"
            case .annually: "Yearly"
            case .oneTime: "One Time"
            }
        // Invariant: `allCases` holds every cycle.
        let cycleID = Agreement.BillingCycle.allCases.firstIndex(of: record.billingCycle)! + 1
        let hours = record.blockHoursLimit
        let coversTime = record.billingModel == .fixedFee || record.billingModel == .blockHours
        let timeAndMaterials = record.billingModel == .timeAndMaterials
        let oneTime = record.billingCycle == .oneTime
        let profile = directory.profile(record.companyID)
        let company = directory.company(record.companyID)
        let parties: [String: JSONValue?] = [
            "id": int(record.id), "name": .string(record.name),
            "type": .object([
                "id": .number(Decimal(typeID)), "name": .string(record.typeName),
                "_info": .object(["type_href": .string("\(baseURL)/finance/agreements/types/\(typeID)")]),
            ]),
            "company": company, "contact": profile.contact, "site": profile.site, "location": setup.location,
            "department": setup.department(.service), "restrictLocationFlag": .bool(false), "restrictDepartmentFlag": .bool(false),
            "parentAgreement": directory.agreement(record.parentID),
        ]
        let terms: [String: JSONValue?] = [
            "startDate": day(record.startDate), "endDate": record.endDate.map(day), "noEndingDateFlag": .bool(record.endDate == nil),
            "cancelledFlag": .bool(record.cancelledDate != nil), "dateCancelled": record.cancelledDate.map(day),
            "agreementStatus": .string(status), "applicationUnits": .string(hours == nil ? "Amount" : "Hours"),
            "applicationLimit": hours.map { number($0.value) }, "applicationUnlimitedFlag": .bool(hours == nil),
            "applicationCycle": hours == nil ? nil : .string("CalendarMonth"), "oneTimeFlag": .bool(oneTime),
            "coverAgreementTime": .bool(coversTime), "coverAgreementProduct": .bool(false), "coverAgreementExpense": .bool(false),
            "coverSalesTax": .bool(false), "carryOverUnused": .bool(hours != nil), "allowOverruns": .bool(hours != nil),
            "expireWhenZero": .bool(false), "chargeToFirm": .bool(false), "employeeCompRate": .string("Actual"),
            "employeeCompNotExceed": .string("Billing"), "compHourlyRate": number(0), "compLimitAmount": number(0),
        ]
        let billing: [String: JSONValue?] = [
            "billAmount": number(record.billingAmount?.amount ?? 0),
            "billingCycle": .object([
                "id": .number(Decimal(cycleID)), "name": .string(cycle),
                "_info": .object(["billingCycle_href": .string("\(baseURL)/finance/billingCycles/\(cycleID)")]),
            ]),
            "billOneTimeFlag": .bool(oneTime), "invoicingCycle": .string("ContractYear"), "billToCompany": company,
            "billToContact": profile.contact, "billToSite": profile.site, "taxable": .bool(record.billingModel == .licenseResale),
            "billStartDate": day(record.startDate), "taxCode": setup.taxCode, "restrictDownPayment": .bool(false),
            "prorateFlag": .bool(record.billingAmount != nil), "invoiceProratedAdditionsFlag": .bool(record.billingModel == .licenseResale),
            "topComment": .bool(false), "bottomComment": .bool(false),
            "billTime": .string(timeAndMaterials ? "Billable" : "NoDefault"),
            "billExpenses": .string(timeAndMaterials ? "Billable" : "NoDefault"), "billProducts": .string("Billable"),
            "billableTimeInvoice": .bool(timeAndMaterials), "billableExpenseInvoice": .bool(false), "billableProductInvoice": .bool(false),
            "currency": directory.currency(record.billingAmount?.currency ?? setup.currencyCode),
            "autoInvoiceFlag": .bool(record.billingAmount != nil), "companyLocation": setup.location, "shipToCompany": company,
            "shipToSite": profile.site, "customFields": setup.customFields, "_info": info(updated: record.updatedAt),
        ]
        return object(parties, terms, billing)
    }

    public func addition(_ record: AgreementAddition) -> JSONValue {
        object([
            "id": int(record.id), "product": .object(["id": .number(1), "identifier": .string(record.productIdentifier)]),
            "quantity": number(record.quantity), "unitPrice": number(record.unitPrice.amount),
            "unitCost": record.unitCost.map { number($0.amount) }, "billCustomer": .string(record.billedToCustomer ? "Billable" : "DoNotBill"),
            "effectiveDate": day(record.effectiveDate), "cancelledDate": record.cancelledDate.map(day),
            "agreementId": int(record.agreementID), "description": record.description.map { .string($0) },
            "_info": info(updated: record.updatedAt),
        ])
    }

    /// A posted invoice. Its totals split by what was billed: agreement invoices bill the agreement amount,
    /// product lines make the product total and the rest is services (labor). Paid amounts are the total less the
    /// balance (credits, for a credit memo); an invoice with nothing left to pay is closed.
    public func invoice(_ record: Invoice) -> JSONValue {
        let type: String =
            switch record.kind {
            case .standard: "Standard"
            case .agreement: "Agreement"
            case .progress: "Progress"
            case .downpayment: "DownPayment"
            case .credit: "CreditMemo"
            }
        let applyTo: (String, JSONValue?) =
            record.projectID.map { ("Project", int($0)) } ?? record.agreementID.map { ("Agreement", int($0)) } ?? ("All", nil)
        let subtotal = record.subtotal.amount
        let productTotal = directory.invoices[record.id]?.productTotal ?? 0
        let agreementAmount = record.kind == .agreement ? subtotal : 0
        let settled = record.total.amount - record.balance.amount
        let closed = record.balance.isZero
        let department: ConnectWiseSiteSetup.Department =
            record.projectID != nil ? .projects : productTotal != 0 && productTotal == subtotal ? .sales : .service
        let profile = directory.profile(record.companyID)
        let company = directory.company(record.companyID)
        let month = record.date.yearMonth
        let batch = month.year * 100 + month.month
        let parties: [String: JSONValue?] = [
            "id": int(record.id), "invoiceNumber": .string(record.number), "type": .string(type),
            "status": closed ? setup.invoiceClosed : setup.invoiceOpen,
            "company": company, "billToCompany": company, "shipToCompany": company, "applyToType": .string(applyTo.0), "applyToId": applyTo.1,
            "accountNumber": .string(profile.accountNumber), "attention": .string(profile.contactName),
            "billingSite": profile.site, "billingSiteAddressLine1": .string(profile.addressLine1), "billingSiteCity": .string(profile.city),
            "billingSiteZip": .string(profile.zip), "billingSiteCountry": .string(setup.country.name),
            "shippingSite": profile.site, "shippingSiteAddressLine1": .string(profile.addressLine1), "shippingSiteCity": .string(profile.city),
            "shippingSiteZip": .string(profile.zip), "shippingSiteCountry": .string(setup.country.name),
        ]
        let office: [String: JSONValue?] = [
            "billingTerms": setup.billingTerms, "reference": .string(""), "templateSetupId": .number(1), "emailTemplateId": .number(1),
            "addToBatchEmailList": .bool(true), "restrictDownpaymentFlag": .bool(false),
            "locationId": .number(Decimal(setup.locationID)), "location": setup.location,
            "departmentId": .number(Decimal(department.rawValue)), "department": setup.businessUnit(department),
            "territoryId": .number(Decimal(setup.locationID)), "territory": setup.location,
            "topComment": .string(""), "bottomComment": .string(""), "taxableFlag": .bool(!record.tax.isZero), "taxCode": setup.taxCode,
            "downpaymentPreviouslyTaxedFlag": .bool(false), "overrideDownPaymentAmountFlag": .bool(false),
        ]
        let amounts: [String: JSONValue?] = [
            "agreement": directory.agreement(record.agreementID), "project": directory.project(record.projectID),
            "date": day(record.date), "dueDate": day(record.dueDate), "subtotal": number(subtotal),
            "serviceTotal": number(subtotal - productTotal - agreementAmount), "expenseTotal": number(0), "productTotal": number(productTotal),
            "agreementAmount": number(agreementAmount), "previousProgressApplied": number(0), "serviceAdjustmentAmount": number(0),
            "downpaymentApplied": number(0), "remainingDownpayment": number(0),
            "salesTax": number(record.tax.amount), "total": number(record.total.amount), "balance": number(record.balance.amount),
            "payments": number(record.kind == .credit ? 0 : settled), "credits": number(record.kind == .credit ? settled : 0),
            "closedBy": closed ? directory.billingMember.map { .string($0) } : nil, "specialInvoiceFlag": .bool(false),
            "billingSetupReference": setup.billingSetup,
            "glBatch": .object([
                "id": .number(Decimal(batch)), "name": .string("GL \(record.date.yearMonth)"),
                "_info": .object(["batch_href": .string("\(baseURL)/finance/accounting/batches/\(batch)")]),
            ]),
            "currency": directory.currency(record.total.currency),
            "_info": info(updated: record.updatedAt, entered: record.date.start(in: .gmt)),
        ]
        return object(parties, office, amounts)
    }

    /// A product line (`/procurement/products`): goods sold through a won opportunity where the company has one.
    /// `quantity` is what was delivered and invoiced; one line in twenty had one more unit ordered and cancelled
    /// before invoicing (`quantityCancelled`, by the billing member, three days before the invoice).
    public func productItem(_ record: ProductLine) -> JSONValue {
        let entry = directory.productLines[record.id]
        let cost = record.unitCost?.amount ?? 0
        let price = record.unitPrice.amount
        let extendedPrice = record.quantity * price
        let extendedCost = record.quantity * cost
        let catalogID = directory.catalogItems[record.catalogItem] ?? 1
        let reduced = (Int(record.id.rawValue) ?? 0) % 20 == 7
        let cancelledOn = reduced ? entry?.invoiceDate?.adding(days: -3) : nil
        let product: [String: JSONValue?] = [
            "id": int(record.id),
            "catalogItem": .object([
                "id": .number(Decimal(catalogID)), "identifier": .string(record.catalogItem),
                "_info": .object(["catalog_href": .string("\(baseURL)/procurement/catalog/\(catalogID)")]),
            ]),
            "description": record.description.map { .string($0) }, "customerDescription": record.description.map { .string($0) },
            "productClass": .string(record.isProduct ? "NonInventory" : "Service"), "sequenceNumber": number(Decimal(entry?.sequence ?? 1)),
            "quantity": number(record.quantity), "unitOfMeasure": record.isProduct ? setup.unitEach : setup.unitFlatFee,
            "uom": .string(record.isProduct ? "Each" : "Flat Fee"), "price": number(price), "listPrice": number(price),
            "cost": record.unitCost.map { number($0.amount) }, "extPrice": number(extendedPrice), "extCost": number(extendedCost),
            "margin": number(extendedPrice - extendedCost), "agreementAmount": number(0), "priceMethod": .string("PricePerUnit"),
        ]
        let handling: [String: JSONValue?] = [
            "billableOption": .string("Billable"), "locationId": .number(Decimal(setup.locationID)), "location": setup.location,
            "businessUnitId": .number(Decimal(ConnectWiseSiteSetup.Department.sales.rawValue)), "businessUnit": setup.businessUnit(.sales),
            "vendorSku": .string(record.isProduct ? record.catalogItem : ""), "taxableFlag": .bool(record.isProduct),
            "dropshipFlag": .bool(false), "specialOrderFlag": .bool(false), "phaseProductFlag": .bool(false),
            "cancelledFlag": .bool(false), "quantityCancelled": number(reduced ? 1 : 0),
            "cancelledReason": cancelledOn == nil ? nil : .string("Customer reduced the order"),
            "cancelledBy": cancelledOn == nil ? nil : directory.billingMemberID.map { .number(Decimal($0)) },
            "cancelledDate": cancelledOn.map(day), "productSuppliedFlag": .bool(record.isProduct && record.invoiceID != nil),
        ]
        let parties: [String: JSONValue?] = [
            "subContractorAmountLimit": number(0), "opportunity": entry?.opportunity,
            "forecastDetailId": entry?.forecastDetailID.map { .number(Decimal($0)) }, "calculatedPriceFlag": .bool(false),
            "calculatedCostFlag": .bool(false), "taxCode": setup.taxCode, "needToPurchaseFlag": .bool(false),
            "minimumStockFlag": .bool(false), "poApprovedFlag": .bool(record.isProduct),
            "company": directory.company(record.companyID), "invoice": directory.invoice(record.invoiceID),
            "agreement": directory.agreement(record.agreementID), "_info": info(updated: record.updatedAt),
        ]
        return object(product, handling, parties)
    }
}
