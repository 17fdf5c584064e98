//! The Prisma schema reader's unit tests.

use super::*;

fn schema(text: &str) -> Schema {
    let mut s = Schema::default();
    s.add_file("prisma/schema.prisma", text);
    s
}

fn unindexed(text: &str) -> Vec<String> {
    let s = schema(text);
    s.unindexed_foreign_keys()
        .into_iter()
        .map(|(m, f, p)| format!("{}.{}:{}:{}", m.name, f.join("+"), p.line, p.column))
        .collect()
}

const HEAD: &str =
    "datasource db {\n  provider = \"postgresql\" // a comment\n  url = env(\"DATABASE_URL\")\n}\n";

#[test]
fn the_provider_is_read_outside_comments() {
    assert!(schema(HEAD).is_postgresql());
    let mysql = "datasource db {\n  // provider = \"postgresql\"\n  provider = \"mysql\"\n}\n";
    assert!(!schema(mysql).is_postgresql());
    assert!(!schema("model A {\n id Int @id\n}\n").is_postgresql());
}

#[test]
fn which_relations_lack_an_index() {
    let cases: &[(&str, &[&str])] = &[
        ("  authorId String\n  author User @relation(fields: [authorId], references: [id])\n", &["Post.authorId:1:3"]),
        ("  authorId String\n  author User @relation(fields: [authorId], references: [id])\n  @@index([authorId])\n", &[]),
        ("  authorId String\n  author User @relation(fields: [authorId], references: [id])\n  @@index([authorId, createdAt(sort: Desc)])\n", &[]),
        ("  authorId String\n  author User @relation(fields: [authorId], references: [id])\n  @@index([createdAt, authorId])\n", &["Post.authorId:1:3"]),
        ("  authorId String\n  author User @relation(fields: [authorId], references: [id])\n  @@unique([authorId, slug])\n", &[]),
        ("  authorId String @unique\n  author User @relation(fields: [authorId], references: [id])\n", &[]),
        ("  authorId String\n  author User @relation(fields: [authorId], references: [id])\n  @@id([authorId, tagId])\n", &[]),
        ("  authorId String\n  author User @relation(fields: [authorId], references: [id])\n  // @@index([authorId])\n", &["Post.authorId:1:3"]),
        ("  authorId String\n  author User @relation(\"x\", fields: [authorId], references: [id], onDelete: Cascade)\n  @@index(fields: [authorId], map: \"ix\")\n", &[]),
        ("  a Int\n  b Int\n  parent P @relation(fields: [a, b], references: [x, y])\n  @@index([b, a, c])\n", &[]),
        ("  a Int\n  b Int\n  parent P @relation(fields: [a, b], references: [x, y])\n  @@index([a])\n", &["Post.a+b:1:3"]),
        ("  author User @relation(references: [id])\n", &[]),
        ("  authorId String @map(\"author_uid\")\n  author User @relation(fields: [authorId], references: [id])\n  editor User @relation(\"e\", fields: [authorId], references: [id])\n", &["Post.authorId:1:3"]),
    ];
    for (body, want) in cases {
        let text = format!("{HEAD}model Post {{\n  id Int @id\n{body}}}\n");
        let got = unindexed(&text)
            .into_iter()
            .map(|s| {
                // Lines counted from the model's body (its first line is 1).
                let (head, rest) = s.split_once(':').unwrap();
                let (line, col) = rest.split_once(':').unwrap();
                format!("{head}:{}:{col}", line.parse::<u32>().unwrap() - 6)
            })
            .collect::<Vec<_>>();
        assert_eq!(&got, want, "{body}");
    }
}

#[test]
fn a_schema_folder_reads_its_files_together() {
    let mut s = Schema::default();
    s.add_file("prisma/schema/schema.prisma", HEAD);
    s.add_file(
        "prisma/schema/post.prisma",
        "model Post {\n  id Int @id\n  userId Int\n  user User @relation(fields: [userId], references: [id])\n}\n",
    );
    assert!(s.is_postgresql());
    let found = s.unindexed_foreign_keys();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].2.path, "prisma/schema/post.prisma");
    assert_eq!(
        (found[0].2.line, found[0].2.column, found[0].2.end_column),
        (3, 3, 9)
    );
}

#[test]
fn lists_take_names_before_arguments() {
    assert_eq!(
        bracket_list("([title(ops: raw(\"gin\")), createdAt(sort: Desc)], type: Gin)"),
        Some(vec!["title".to_string(), "createdAt".to_string()])
    );
    assert_eq!(
        named_list("(name: \"fields\", fields: [a])", "fields"),
        Some(vec!["a".to_string()])
    );
    assert!(has_attribute("id Int @id @default(1)", "@id"));
    assert!(!has_attribute("x Int @ids", "@id"));
}

#[test]
fn declared_indexes_with_their_database_names() {
    let s = schema(&format!(
        "{HEAD}model Post {{\n  id Int @id\n  slug String @unique\n  code String @unique(map: \"post_code\")\n  authorId Int @map(\"author_id\")\n  title String\n  @@index([authorId, title(sort: Desc)])\n  @@unique([title], name: \"byTitle\", map: \"post_title_key\")\n  @@index([title], name: \"legacy_name\")\n  @@id([id])\n  // @@index([slug])\n  @@map(\"posts\")\n}}\n"
    ));
    let m = &s.models[0];
    assert_eq!(m.table_name(), "posts");
    assert_eq!(m.column("authorId"), "author_id");
    assert_eq!(m.column("title"), "title");
    let got: Vec<String> = m
        .declared
        .iter()
        .map(|d| {
            format!(
                "{}:{} {} {:?} {}",
                d.place.line,
                d.place.column,
                d.fields.join(","),
                d.name,
                d.unique
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "7:3 slug None true",
            "8:3 code Some(\"post_code\") true",
            "11:3 authorId,title None false",
            "12:3 title Some(\"post_title_key\") true",
            "13:3 title Some(\"legacy_name\") false",
        ]
    );
}
