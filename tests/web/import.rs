//! The import page: a LinkedIn export uploaded as a file, rejected rows
//! reported with their line, and a second upload changing nothing.

use reqwest::multipart::{Form, Part};
use rstest::rstest;

use crate::{Backend, Server};

const LINKEDIN: &str = "Notes:\n\"When exporting your connection data, you may notice that some of the email addresses are missing.\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\nJanet,Quill,https://www.linkedin.com/in/janetquill,,Acme,CTO,05 Oct 2020\n,,,,,,12 Jan 2021\nBob,Stone,https://www.linkedin.com/in/bobstone,bob@example.com,Initech,PM,01 Mar 2022\n";

fn upload(dry_run: bool) -> Form {
    let form = Form::new().text("format", "linkedin").part(
        "file",
        Part::bytes(LINKEDIN.as_bytes().to_vec()).file_name("Connections.csv"),
    );
    if dry_run {
        form.text("dry_run", "1")
    } else {
        form
    }
}

#[rstest]
#[tokio::test]
async fn an_uploaded_export_imports_once_and_reports_rejected_lines(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice", "bob"]).await else {
        return;
    };
    let alice = server.signed_in("alice").await;
    let dry = alice
        .post(server.at("/import"))
        .multipart(upload(true))
        .send()
        .await
        .unwrap();
    assert_eq!(dry.status(), 200);
    let dry = dry.text().await.unwrap();
    assert!(
        dry.contains("Dry run of") && dry.contains("<strong>2</strong> created"),
        "{dry}"
    );
    let before = server.kith(&["--user", "alice", "list"]);
    assert!(
        !before.contains("Janet Quill"),
        "a dry run writes nothing: {before}"
    );

    let page = alice
        .post(server.at("/import"))
        .multipart(upload(false))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<strong>2</strong> created"), "{page}");
    assert!(
        page.contains("<strong>1</strong> rejected") && page.contains("<td>7</td>"),
        "the nameless row, by line: {page}"
    );
    let again = alice
        .post(server.at("/import"))
        .multipart(upload(false))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        again.contains("<strong>0</strong> created") && again.contains("2 unchanged"),
        "{again}"
    );
    let list = server.kith(&["--user", "alice", "list"]);
    assert_eq!(list.matches("Janet Quill").count(), 1, "{list}");
    assert!(
        !server
            .kith(&["--user", "bob", "list"])
            .contains("Janet Quill"),
        "imports stay with their user"
    );

    let vcf = alice
        .get(server.at("/export/contacts.vcf?version=3"))
        .send()
        .await
        .unwrap();
    assert_eq!(vcf.status(), 200);
    assert!(
        vcf.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let vcf = vcf.text().await.unwrap();
    assert!(
        vcf.contains("VERSION:3.0") && vcf.contains("Janet Quill"),
        "{vcf}"
    );
    let bob = server.signed_in("bob").await;
    let theirs = bob
        .get(server.at("/export/contacts.vcf"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !theirs.contains("Janet Quill"),
        "an export holds only its user's contacts"
    );
    let ics = alice
        .get(server.at("/export/calendar.ics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR"), "{ics}");
    let mine: serde_json::Value = alice
        .get(server.at("/export/account.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine["kith_export"], 1);
    let names: Vec<&str> = mine["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Janet Quill"), "{names:?}");
    let theirs: serde_json::Value = bob
        .get(server.at("/export/account.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        !theirs.to_string().contains("Janet Quill"),
        "an account export holds only its user's data"
    );
    let bad = alice
        .get(server.at("/export/contacts.vcf?version=5"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);

    let wrong = alice
        .post(server.at("/import"))
        .multipart(
            Form::new()
                .text("format", "excel")
                .part("file", Part::bytes(b"x".to_vec()).file_name("x.xls")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.unwrap().contains("invalid format"));
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn the_csv_download_is_the_owners_and_escapes_formulas(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice", "bob"]).await else {
        return;
    };
    server.kith(&[
        "--user",
        "alice",
        "add",
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "--phone",
        "+44 20 7946 0958",
        "--notes=@SUM(A1)",
    ]);
    server.kith(&["--user", "alice", "add", "Plain Jane", "--notes=+1+2"]);
    server.kith(&["--user", "bob", "add", "Bob's Friend"]);

    let alice = server.signed_in("alice").await;
    let r = alice
        .get(server.at("/export/contacts.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("kith-contacts.csv")
    );
    let text = r.text().await.unwrap();
    let rows: Vec<Vec<String>> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    let evil = rows.iter().find(|r| r[0].contains("HYPERLINK")).unwrap();
    assert_eq!(evil[0], "'=HYPERLINK(\"http://evil.example\",\"click\")");
    assert!(evil.contains(&"'+44 20 7946 0958".to_owned()), "{evil:?}");
    assert!(evil.contains(&"'@SUM(A1)".to_owned()), "{evil:?}");
    let jane = rows.iter().find(|r| r[0] == "Plain Jane").unwrap();
    assert!(jane.contains(&"'+1+2".to_owned()), "{jane:?}");
    assert!(!text.contains("Bob's Friend"), "only the owner's contacts");

    let bob = server.signed_in("bob").await;
    let theirs = bob
        .get(server.at("/export/contacts.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(theirs.contains("Bob's Friend") && !theirs.contains("HYPERLINK"));
    let anonymous = server
        .browser()
        .get(server.at("/export/contacts.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303);
    let page = alice
        .get(server.at("/import"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("href=\"/export/contacts.csv\""),
        "the page links it"
    );
}
