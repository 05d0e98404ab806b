import { registrarAnswering } from '../helpers/scripted-registrar';

/**
 * The empty-list shape of the Domain API's paged answers is UNCONFIRMED (../shared/alibaba-domain-api.md §2: "Data":
 * {"Domain": []} vs Data omitted; every SDK field is optional). The client already reads `Data: null` ("a serialiser
 * that writes null for no value", shapes.ts) and `Data` or the item key absent as an empty page, and the pager's
 * TotalItemNum check catches a page that lost items. But a serialiser writing null writes it one level down too:
 * `Data: {"TaskInfo": null}`. The sandbox always sends `[]`, so nobody saw that this makes every read fail (after
 * five attempts) as an invalid answer: with no renewal task in the last 7 days (a quiet account) every buying renew
 * run fails in findRenewingElsewhere, before anything is bought.
 */

/** The real adapter answering every request with `body`. */
function answering(body: Record<string, unknown>) {
  return registrarAnswering(() => ({ body: { RequestId: 'R', ...body } })).registrar;
}

const emptyTotals = {
  TotalItemNum: 0,
  TotalPageNum: 0,
  CurrentPageNum: 1,
  PageSize: 100,
  PrePage: false,
  NextPage: false,
};

describe('an empty list sent as null reads as an empty list, as Data: null already does', () => {
  it('QueryTaskList with Data.TaskInfo null (no task in the range)', async () => {
    const registrar = answering({ ...emptyTotals, Data: { TaskInfo: null } });
    await expect(registrar.listTasks({ fromMs: Date.UTC(2025, 11, 25), toMs: Date.UTC(2026, 0, 2) })).resolves.toEqual(
      [],
    );
  });

  it('QueryDomainList with Data.Domain null (nothing in the window)', async () => {
    const registrar = answering({ ...emptyTotals, Data: { Domain: null } });
    await expect(registrar.listDomains({ expiringFromMs: 0, expiringToMs: 1 })).resolves.toEqual([]);
  });

  it('QueryTaskDetailList with Data.TaskDetail null (no row listed yet)', async () => {
    const registrar = answering({ ...emptyTotals, Data: { TaskDetail: null } });
    await expect(registrar.listTaskDetails('3cb1adc3-20e8-44ae-9e76-e812fa6fc9d8')).resolves.toEqual([]);
  });

  it('still refuses null items when the totals say there were some (the pager check stands)', async () => {
    const registrar = answering({
      ...emptyTotals,
      TotalItemNum: 2,
      TotalPageNum: 1,
      Data: { TaskInfo: null },
    });
    await expect(registrar.listTasks({ fromMs: 0, toMs: 1 })).rejects.toThrow(/did not add up|invalid response/);
  });
});
