//! Word lists: channels, tags, and the events, skills, topics, projects and
//! books that conversations and notes mention.

use crate::conversation::Channel;

/// How often each channel is used, in percent.
pub(super) const CHANNELS: &[(Channel, u32)] = &[
    (Channel::Zoom, 15),
    (Channel::Meet, 12),
    (Channel::Teams, 8),
    (Channel::Hangouts, 2),
    (Channel::Jitsi, 2),
    (Channel::Video, 3),
    (Channel::Phone, 12),
    (Channel::Coffee, 14),
    (Channel::InPerson, 12),
    (Channel::Email, 12),
    (Channel::Message, 8),
];

pub(super) const EXTRA_TAGS: &[&str] = &[
    "friend",
    "mentor",
    "mentee",
    "hiring-manager",
    "community",
    "speaker",
    "founder",
    "advisor",
    "book-club",
    "climbing",
];

pub(super) const CONFERENCES: &[&str] = &[
    "RustConf",
    "Web Summit",
    "SaaStr Annual",
    "Money20/20",
    "HIMSS",
    "SXSW",
    "Mind the Product",
    "Config",
    "Collision",
    "Slush",
    "PyCon",
    "KubeCon",
    "Grace Hopper Celebration",
    "DevOpsDays",
    "Leading Design",
];

pub(super) const MEETUPS: &[&str] = &[
    "Rust meetup",
    "product management meetup",
    "design systems meetup",
    "fintech breakfast",
    "data science meetup",
    "founders' dinner",
    "women in tech breakfast",
    "climate tech meetup",
    "startup happy hour",
];

pub(super) const SCHOOLS: &[&str] = &[
    "Beacon University",
    "Westbury Polytechnic",
    "Harbourside College",
    "Northgate Business School",
];

pub(super) const SKILLS: &[&str] = &[
    "SQL",
    "stakeholder management",
    "system design",
    "Rust",
    "negotiation",
    "financial modelling",
    "user research",
    "public speaking",
    "product discovery",
    "data storytelling",
    "Kubernetes",
    "pricing strategy",
    "people management",
    "roadmapping",
    "A/B testing",
    "accessibility",
    "contract drafting",
    "Python",
    "writing clear docs",
    "forecasting",
    "budgeting",
    "change management",
    "customer interviews",
    "machine learning basics",
];

pub(super) const TOPICS: &[&str] = &[
    "remote team rituals",
    "pricing experiments",
    "hiring senior engineers",
    "moving from IC to manager",
    "AI tooling at work",
    "on-call burnout",
    "salary negotiation",
    "building a personal brand",
    "open-source maintenance",
    "customer discovery",
    "the four-day week",
    "career ladders",
    "OKRs that work",
    "going freelance",
    "data privacy rules",
    "fundraising",
    "sustainability reporting",
    "design systems",
    "sales compensation",
    "returning to the office",
];

/// Work projects, to be written after "the".
pub(super) const PROJECTS: &[&str] = &[
    "platform migration",
    "Q3 launch",
    "Series B",
    "reorg",
    "new pricing page",
    "data warehouse rebuild",
    "mobile app rewrite",
    "SOC 2 audit",
    "APAC expansion",
    "rebrand",
    "customer advisory board",
    "internal hackathon",
    "graduate programme",
    "ERP rollout",
    "annual report",
];

pub(super) const BOOKS: &[&str] = &[
    "Atomic Habits",
    "The Manager's Path",
    "Inspired",
    "Never Split the Difference",
    "Designing Data-Intensive Applications",
    "The Mom Test",
    "Crucial Conversations",
    "Radical Candor",
    "Good Strategy Bad Strategy",
    "Thinking in Systems",
    "An Elegant Puzzle",
    "Working Backwards",
    "The Staff Engineer's Path",
    "Range",
    "Deep Work",
    "So Good They Can't Ignore You",
    "Designing Your Life",
    "Give and Take",
    "Never Eat Alone",
];

/// Career paths people describe in informational chats, by the function
/// (a `FUNCTIONS` name) the path leads into.
pub(super) const PATHS: &[(&str, &str)] = &[
    (
        "engineering",
        "bootcamp graduate to senior engineer in 4 years",
    ),
    (
        "engineering",
        "QA tester to backend engineer via side projects",
    ),
    ("product", "engineer to product manager in 2 years"),
    (
        "product",
        "designer to product manager after leading discovery work",
    ),
    (
        "product",
        "consultant to associate product manager through an APM programme",
    ),
    (
        "product",
        "support lead to product owner via an internal move",
    ),
    (
        "design",
        "graphic designer to product designer via a UX course",
    ),
    ("sales", "SDR to account executive in 18 months"),
    ("marketing", "content writer to product marketing manager"),
    ("finance", "audit to FP&A through a rotation"),
    ("hr", "recruiter to people partner"),
    ("legal", "law-firm associate to in-house counsel"),
    ("operations", "consulting to strategy role at a startup"),
    ("operations", "project manager to chief of staff"),
    ("data", "analyst to data scientist via a bootcamp"),
    ("data", "finance analyst to analytics engineer in 18 months"),
    ("customer success", "support to customer success lead"),
];

/// Advice worth writing down after an informational chat.
pub(super) const LEARNING_NOTES: &[&str] = &[
    "most hiring there happens through referrals",
    "a side project counts for more than a certificate",
    "ask for a portfolio review before applying",
    "shadow a team for a day before deciding",
    "the first year is mostly learning the domain",
    "internal moves are easier than applying from outside",
];
