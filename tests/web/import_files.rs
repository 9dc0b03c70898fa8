//! The import page with a file of the wrong kind (a LinkedIn export, its
//! "Notes:" preamble and all, uploaded as Google), with cells that cannot
//! be read, and with Google's name parts, department and labels; and the
//! LinkedIn connection on the contact's timeline.

use reqwest::multipart::{Form, Part};
use rstest::rstest;

use crate::{Backend, Server};

const LINKEDIN: &str = "Notes:\n\"When exporting your connection data, you may notice that some of the email addresses are missing.\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\nJanet,Quill,https://www.linkedin.com/in/janetquill,,Acme,CTO,05 Oct 2020\n,,https://www.linkedin.com/in/gone,,Initech,,12 Jan 2021\nBob,Stone,not-a-url,bob@example.com,Initech,PM,31 Feb 2024\n";

const GOOGLE: &str = "First Name,Middle Name,Last Name,Name Prefix,Name Suffix,Organization Name,Organization Department,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Website 1 - Value,Birthday\nJane,Marie,Doe,Dr.,PhD,Acme,Engineering,Work,jane@acme.example,Mobile,+1 555 0100,not-a-url,31 Feb 2024\n";

fn upload(format: &str, name: &str, text: &str) -> Form {
    Form::new().text("format", format.to_owned()).part(
        "file",
        Part::bytes(text.as_bytes().to_vec()).file_name(name.to_owned()),
    )
}

#[rstest]
#[tokio::test]
async fn the_import_page_refuses_another_kind_and_lists_what_it_left_out(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let alice = server.signed_in("alice").await;
    let post = |form: Form| {
        let request = alice.post(server.at("/import")).multipart(form);
        async move {
            let r = request.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };

    let (status, page) = post(upload("google", "Connections.csv", LINKEDIN)).await;
    assert_eq!(status, 422, "{page}");
    assert!(
        page.contains(
            "Connections.csv: this looks like a LinkedIn connections export, not a Google \
             Contacts export (it has the column &#39;Connected On&#39;)"
        ) || page.contains("it has the column &#x27;Connected On&#x27;"),
        "{page}"
    );
    assert!(
        page.contains("LinkedIn Connections.csv&quot; under From")
            || page.contains("LinkedIn Connections.csv&#34; under From"),
        "{page}"
    );
    assert!(!server.kith(&["--user", "alice", "list"]).contains("Janet"));

    let (status, page) = post(upload("linkedin", "Connections.csv", LINKEDIN)).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<strong>2</strong> created"), "{page}");
    assert!(
        page.contains("<td>6</td><td>Initech</td>"),
        "the refused row by line and name: {page}"
    );
    assert!(
        page.contains("<strong>2</strong> cells left out")
            && page.contains("<td>7</td><td>Bob Stone</td><td>URL</td><td>not-a-url</td>")
            && page.contains("<td>Connected On</td><td>31 Feb 2024</td>"),
        "{page}"
    );

    // The connection's day is on Janet's timeline.
    let janet = server.kith(&["--user", "alice", "show", "janet", "--json"]);
    let janet: serde_json::Value = serde_json::from_str(&janet).unwrap();
    let page = alice
        .get(server.at(&format!("/contacts/{}", janet["id"])))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(
            "<li class=\"event\"><strong>2020-10-05</strong> · Connected on LinkedIn</li>"
        ),
        "{page}"
    );

    let (status, page) = post(upload("google", "contacts.csv", GOOGLE)).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("<strong>1</strong> created")
            && page.contains("<td>Website 1 - Value</td><td>not-a-url</td>")
            && page.contains("<td>Birthday</td><td>31 Feb 2024</td>"),
        "{page}"
    );
    let vcf = alice
        .get(server.at("/export/contacts.vcf"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<String> = vcf.lines().map(str::to_lowercase).collect();
    for want in [
        "n:doe;jane;marie;dr.;phd",
        "org:acme;engineering",
        "email;type=work:jane@acme.example",
    ] {
        assert!(lines.iter().any(|l| l == want), "{want} in {vcf}");
    }
    server.stop().await;
}
