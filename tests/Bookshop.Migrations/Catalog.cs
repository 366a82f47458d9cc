using System.Data;
using FluentMigrator;

namespace Bookshop.Migrations;

[Migration(2024_01_01_0001, "Catalog schema")]
public sealed class CreateCatalogSchema : AutoReversingMigration
{
    public override void Up() => Create.Schema("catalog");
}

[Migration(2024_01_01_0002, "Authors")]
public sealed class CreateAuthors : AutoReversingMigration
{
    public override void Up() => Create.Table("authors").InSchema("catalog")
        .WithColumn("id").AsInt32().PrimaryKey().Identity()
        .WithColumn("name").AsString(200).NotNullable()
        .WithColumn("born_on").AsDate().Nullable();
}

[Migration(2024_01_01_0003, "Books")]
public sealed class CreateBooks : AutoReversingMigration
{
    public override void Up() => Create.Table("books").InSchema("catalog")
        .WithColumn("id").AsInt32().PrimaryKey().Identity()
        .WithColumn("author_id").AsInt32().NotNullable()
            .ForeignKey("fk_books_authors", "catalog", "authors", "id").OnDelete(Rule.Cascade)
        .WithColumn("title").AsString(300).NotNullable()
        .WithColumn("isbn").AsFixedLengthAnsiString(13).NotNullable().Unique("ux_books_isbn")
        .WithColumn("price").AsDecimal(10, 2).NotNullable()
        .WithColumn("published_on").AsDate().Nullable()
        .WithColumn("created_at").AsDateTime().NotNullable().WithDefault(SystemMethods.CurrentUTCDateTime);
}

[Migration(2024_01_01_0004, "Genres with their seed")]
public sealed class CreateGenres : AutoReversingMigration
{
    public override void Up()
    {
        Create.Table("genres").InSchema("catalog")
            .WithColumn("code").AsAnsiString(20).PrimaryKey()
            .WithColumn("name").AsString(100).NotNullable();
        Insert.IntoTable("genres").InSchema("catalog")
            .Row(new { code = "fiction", name = "Fiction" })
            .Row(new { code = "history", name = "History" })
            .Row(new { code = "science", name = "Science" });
    }
}

[Migration(2024_01_01_0005, "Books in genres")]
public sealed class CreateBookGenres : AutoReversingMigration
{
    public override void Up() => Create.Table("book_genres").InSchema("catalog")
        .WithColumn("book_id").AsInt32().PrimaryKey("pk_book_genres")
            .ForeignKey("fk_book_genres_books", "catalog", "books", "id").OnDelete(Rule.Cascade)
        .WithColumn("genre_code").AsAnsiString(20).PrimaryKey("pk_book_genres")
            .ForeignKey("fk_book_genres_genres", "catalog", "genres", "code");
}

[Migration(2024_01_02_0001, "Stock per book")]
public sealed class AddBookStock : AutoReversingMigration
{
    public override void Up() => Alter.Table("books").InSchema("catalog").AddColumn("in_stock").AsInt32().NotNullable().WithDefaultValue(0);
}

[Migration(2024_01_02_0002, "Books found by title")]
public sealed class IndexBooksByTitle : Migration
{
    public override void Up()
    {
        // PostgreSQL can index the lower-cased title; MariaDB 10.11 indexes the column.
        IfDatabase("PostgreSQL").Execute.Sql("CREATE INDEX ix_books_title_lower ON catalog.books (lower(title))");
        IfDatabase("MySql").Create.Index("ix_books_title_lower").OnTable("books").OnColumn("title");
    }

    public override void Down()
    {
        IfDatabase("PostgreSQL").Execute.Sql("DROP INDEX catalog.ix_books_title_lower");
        IfDatabase("MySql").Delete.Index("ix_books_title_lower").OnTable("books");
    }
}

[Migration(2024_01_02_0003, "Genre names in German")]
public sealed class AddGermanGenreNames : Migration
{
    public override void Up()
    {
        Alter.Table("genres").InSchema("catalog").AddColumn("name_de").AsString(100).Nullable();
        Update.Table("genres").InSchema("catalog").Set(new { name_de = "Belletristik" }).Where(new { code = "fiction" });
        Update.Table("genres").InSchema("catalog").Set(new { name_de = "Geschichte" }).Where(new { code = "history" });
        Update.Table("genres").InSchema("catalog").Set(new { name_de = "Naturwissenschaft" }).Where(new { code = "science" });
    }

    public override void Down() => Delete.Column("name_de").FromTable("genres").InSchema("catalog");
}
