using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace ActorBlog.Posts.Rendering;

/// <summary>
/// Table column alignment as classes (<c>align-left</c>, <c>align-center</c>, <c>align-right</c>)
/// instead of Markdig's <c>style="text-align: …"</c>, which the readers' Content-Security-Policy
/// blocks (a console error, and the column shows unaligned). Runs after parsing, before rendering.
/// </summary>
public static class AlignedTableCells
{
    public static MarkdownPipelineBuilder UseAlignmentClasses(this MarkdownPipelineBuilder pipeline)
    {
        pipeline.DocumentProcessed += Classify;
        return pipeline;
    }

    private static void Classify(MarkdownDocument document)
    {
        foreach (var table in document.Descendants<Table>())
        {
            var alignments = table.ColumnDefinitions.Select(c => c.Alignment).ToList();
            foreach (var row in table.OfType<TableRow>())
            {
                // Markdig leaves ColumnIndex at -1 unless it was set explicitly; the position counts then, as in its renderer.
                var position = 0;
                foreach (var cell in row.OfType<TableCell>())
                {
                    var column = cell.ColumnIndex >= 0 ? cell.ColumnIndex : position;
                    position += Math.Max(1, cell.ColumnSpan);
                    if (column >= alignments.Count || alignments[column] is not { } alignment) continue;
                    cell.GetAttributes().AddClass(alignment switch
                    {
                        TableColumnAlign.Center => "align-center",
                        TableColumnAlign.Right => "align-right",
                        _ => "align-left",
                    });
                }
            }
            foreach (var definition in table.ColumnDefinitions) definition.Alignment = null;
        }
    }
}
