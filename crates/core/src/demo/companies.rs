//! Word lists: organisations, the functions people work in, and job titles.

pub(super) struct Company {
    pub(super) name: &'static str,
    pub(super) domain: &'static str,
    pub(super) industry: &'static str,
}

const fn co(name: &'static str, domain: &'static str, industry: &'static str) -> Company {
    Company {
        name,
        domain,
        industry,
    }
}

pub(super) const COMPANIES: &[Company] = &[
    co("Northwind Software", "northwind.example", "software"),
    co("Bluefin Labs", "bluefinlabs.example", "software"),
    co("Cobalt Cloud", "cobaltcloud.example", "software"),
    co("Helix Data", "helixdata.example", "software"),
    co("Pinecrest Systems", "pinecrest.example", "software"),
    co("Quillstack", "quillstack.example", "software"),
    co("Lumen Analytics", "lumen-analytics.example", "software"),
    co("Orbital Apps", "orbitalapps.example", "software"),
    co("Brightpath Security", "brightpath.example", "software"),
    co("Tessellate", "tessellate.example", "software"),
    co("Harbor Bank", "harborbank.example", "finance"),
    co("Meridian Capital", "meridiancap.example", "finance"),
    co("Crestline Insurance", "crestline.example", "finance"),
    co("Ledgerly", "ledgerly.example", "finance"),
    co("Summit Payments", "summitpay.example", "finance"),
    co("Granite Trust", "granitetrust.example", "finance"),
    co("Foundry Ventures", "foundry.vc.example", "venture capital"),
    co(
        "Northstar Partners",
        "northstar.vc.example",
        "venture capital",
    ),
    co(
        "Redwood Seed Fund",
        "redwoodseed.example",
        "venture capital",
    ),
    co("Cedar Health", "cedarhealth.example", "healthcare"),
    co("Vitalis Pharma", "vitalis.example", "healthcare"),
    co("Clearview Clinics", "clearview.example", "healthcare"),
    co("Mosaic Bio", "mosaicbio.example", "healthcare"),
    co("Evergreen Medical", "evergreenmed.example", "healthcare"),
    co("Oakridge Outfitters", "oakridge.example", "retail"),
    co("Basket & Co", "basketco.example", "retail"),
    co("Urban Pantry", "urbanpantry.example", "retail"),
    co("Tidewater Home", "tidewater.example", "retail"),
    co("Marlow Fashion", "marlow.example", "retail"),
    co("Signal Media", "signalmedia.example", "media"),
    co("Paper Lantern Studios", "paperlantern.example", "media"),
    co("Broadcast North", "broadcastnorth.example", "media"),
    co("Inkwell Publishing", "inkwell.example", "media"),
    co("Echo Podcasts", "echopods.example", "media"),
    co("Beacon University", "beacon.edu.example", "education"),
    co("Westbury Polytechnic", "westbury.edu.example", "education"),
    co("Lighthouse Learning", "lighthouse.example", "education"),
    co("OpenCourse", "opencourse.example", "education"),
    co("Kestrel Consulting", "kestrel.example", "consulting"),
    co("Atlas Advisory", "atlasadvisory.example", "consulting"),
    co("Blueprint Partners", "blueprint.example", "consulting"),
    co("Sterling & Hart", "sterlinghart.example", "consulting"),
    co("Solstice Energy", "solstice.example", "energy"),
    co("Windward Power", "windward.example", "energy"),
    co("Terra Grid", "terragrid.example", "energy"),
    co("Hydra Renewables", "hydra.example", "energy"),
    co("City of Riverton", "riverton.gov.example", "government"),
    co(
        "Department of Digital Services",
        "digital.gov.example",
        "government",
    ),
    co(
        "National Statistics Office",
        "stats.gov.example",
        "government",
    ),
    co(
        "Port Authority of Easton",
        "easton-port.gov.example",
        "government",
    ),
    co(
        "Open Doors Foundation",
        "opendoors.org.example",
        "nonprofit",
    ),
    co("Green Commons", "greencommons.org.example", "nonprofit"),
    co(
        "Code for Communities",
        "codeforcommunities.org.example",
        "nonprofit",
    ),
    co("Literacy Alliance", "literacy.org.example", "nonprofit"),
    co("Forge Robotics", "forgerobotics.example", "manufacturing"),
    co("Alder Automotive", "alderauto.example", "manufacturing"),
    co(
        "Precision Parts Co",
        "precisionparts.example",
        "manufacturing",
    ),
    co("Swiftline Logistics", "swiftline.example", "logistics"),
    co("Cargoflow", "cargoflow.example", "logistics"),
    co("Skybridge Telecom", "skybridge.example", "telecom"),
    co("Wayfarer Travel", "wayfarer.example", "travel"),
];

pub(super) const NONPROFITS: &[&str] = &[
    "Open Doors Foundation",
    "Green Commons",
    "Code for Communities",
    "Literacy Alliance",
    "the food bank",
];

pub(super) struct Function {
    /// As stored in a contact's function field.
    pub(super) name: &'static str,
    /// As written in a sentence.
    pub(super) prose: &'static str,
    pub(super) weight: u32,
    pub(super) roles: &'static [&'static str],
    pub(super) leads: &'static [&'static str],
}

/// The index of "product" in `FUNCTIONS`.
pub(super) const PRODUCT: usize = 1;

/// The index of "finance" in `FUNCTIONS`.
pub(super) const FINANCE: usize = 5;

pub(super) const FUNCTIONS: &[Function] = &[
    Function {
        name: "engineering",
        prose: "engineering",
        weight: 22,
        roles: &[
            "Software Engineer",
            "Backend Engineer",
            "Frontend Engineer",
            "Site Reliability Engineer",
            "Mobile Engineer",
            "Security Engineer",
        ],
        leads: &[
            "Engineering Manager",
            "Director of Engineering",
            "VP of Engineering",
            "CTO",
        ],
    },
    Function {
        name: "product",
        prose: "product",
        weight: 10,
        roles: &[
            "Product Manager",
            "Technical Product Manager",
            "Product Owner",
        ],
        leads: &[
            "Group Product Manager",
            "Director of Product",
            "VP of Product",
            "Chief Product Officer",
        ],
    },
    Function {
        name: "design",
        prose: "design",
        weight: 6,
        roles: &[
            "Product Designer",
            "UX Researcher",
            "UX Writer",
            "Visual Designer",
        ],
        leads: &["Design Manager", "Head of Design"],
    },
    Function {
        name: "sales",
        prose: "sales",
        weight: 12,
        roles: &[
            "Account Executive",
            "Sales Development Representative",
            "Solutions Engineer",
            "Account Manager",
        ],
        leads: &["Sales Manager", "Regional Sales Director", "VP of Sales"],
    },
    Function {
        name: "marketing",
        prose: "marketing",
        weight: 9,
        roles: &[
            "Product Marketing Manager",
            "Content Strategist",
            "Growth Marketer",
            "Brand Manager",
        ],
        leads: &["Marketing Manager", "Director of Marketing", "CMO"],
    },
    Function {
        name: "finance",
        prose: "finance",
        weight: 7,
        roles: &[
            "Financial Analyst",
            "Accountant",
            "FP&A Analyst",
            "Treasury Analyst",
        ],
        leads: &["Finance Manager", "Controller", "Head of Finance", "CFO"],
    },
    Function {
        name: "hr",
        prose: "HR",
        weight: 6,
        roles: &[
            "Recruiter",
            "Technical Recruiter",
            "People Partner",
            "Talent Partner",
        ],
        leads: &["Head of Talent", "People Director", "Chief People Officer"],
    },
    Function {
        name: "legal",
        prose: "legal",
        weight: 3,
        roles: &[
            "Counsel",
            "Privacy Counsel",
            "Paralegal",
            "Compliance Analyst",
        ],
        leads: &["General Counsel", "Head of Legal"],
    },
    Function {
        name: "operations",
        prose: "operations",
        weight: 8,
        roles: &[
            "Operations Analyst",
            "Program Manager",
            "Project Manager",
            "Business Operations Associate",
        ],
        leads: &["Operations Manager", "Chief of Staff", "COO"],
    },
    Function {
        name: "data",
        prose: "data",
        weight: 8,
        roles: &[
            "Data Analyst",
            "Data Scientist",
            "Data Engineer",
            "Machine Learning Engineer",
        ],
        leads: &["Analytics Manager", "Head of Data"],
    },
    Function {
        name: "customer success",
        prose: "customer success",
        weight: 6,
        roles: &[
            "Customer Success Manager",
            "Support Engineer",
            "Implementation Consultant",
        ],
        leads: &["Head of Customer Success", "Support Manager"],
    },
];

/// A prefix for individual-contributor roles, with its weight.
pub(super) const SENIORITY: &[(&str, u32)] = &[
    ("Junior ", 15),
    ("", 40),
    ("Senior ", 35),
    ("Lead ", 6),
    ("Principal ", 4),
];

pub(super) const INVESTOR_TITLES: &[&str] = &[
    "Associate",
    "Senior Associate",
    "Principal",
    "Partner",
    "Venture Partner",
];
