// On the application page: the case number and query password the officer hands to the investor,
// and the center's documents of the case, each opened as the PDF the center issued (fetched with
// the user's token, shown from a blob URL).
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { fetchFile, request } from './api';
import { DataTable, ErrorBox, formatTime, useAction, useLoad } from './components';
import type { Application, DocumentView } from './types';
import './public.css';

/** 办件编号 and 查询密码 (the password only for those the API gives it to), with the public page. */
export function CaseCredentials({ app }: { app: Application }) {
  const { t } = useTranslation();
  if (!app.caseNo) return null;
  return (
    <div className="card case-credentials" data-case-no={app.caseNo}>
      <span>
        {t('documents.caseNo')}：<strong>{app.caseNo}</strong>
      </span>
      {app.queryPassword && (
        <span>
          {t('documents.queryPassword')}：<strong data-query-password>{app.queryPassword}</strong>
        </span>
      )}
      <Link to={`/progress?caseNo=${encodeURIComponent(app.caseNo)}`}>{t('documents.progressPage')}</Link>
      {app.queryPassword && <small className="muted">{t('documents.handOver')}</small>}
    </div>
  );
}

const fileName = (d: DocumentView) => `${d.title}-${d.id}.pdf`;

/** The documents of an application, newest state of each visible at a glance (superseded ones struck through). */
export function DocumentsPanel({
  applicationId,
  matterName,
}: {
  applicationId: string;
  matterName: (stepId: string) => string;
}) {
  const { t } = useTranslation();
  const { error, run } = useAction();
  const { data, error: loadError } = useLoad(
    () => request('get', '/api/applications/{id}/documents', { params: { id: applicationId } }),
    [applicationId],
    5000,
  );
  // The window opens at the click (a popup blocker allows that), the PDF arrives into it.
  const open = (d: DocumentView) => {
    const win = window.open('', '_blank');
    void run(
      () => fetchFile(`/api/documents/${encodeURIComponent(d.id)}`),
      (blob) => {
        const url = URL.createObjectURL(blob);
        if (win) win.location.href = url;
        else save(url, fileName(d));
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      },
      () => win?.close(),
    );
  };
  const download = (d: DocumentView) =>
    void run(
      () => fetchFile(`/api/documents/${encodeURIComponent(d.id)}`),
      (blob) => {
        const url = URL.createObjectURL(blob);
        save(url, fileName(d));
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      },
    );
  return (
    <div className="documents">
      <h2>{t('documents.title')}</h2>
      <ErrorBox error={loadError ?? error} />
      <DataTable
        rows={data}
        rowKey={(d) => d.id}
        rowProps={(d) => ({ 'data-document': d.id, 'data-kind': d.kind })}
        empty={t('documents.none')}
        columns={[
          {
            header: t('documents.number'),
            cell: (d) => (
              <>
                <span className={d.supersededBy ? 'superseded' : undefined}>{d.title}</span>
                <br />
                <small>{d.id}</small>
                {d.supersededBy && (
                  <>
                    <br />
                    <small className="muted">{t('documents.supersededBy', { id: d.supersededBy })}</small>
                  </>
                )}
              </>
            ),
          },
          { header: t('documents.step'), cell: (d) => (d.stepId ? matterName(d.stepId) : '—') },
          {
            header: t('documents.issuedAt'),
            cell: (d) => (
              <>
                {formatTime(d.issuedAt)}
                <br />
                <span className="hash" title={d.sha256}>
                  {t('documents.hash', { hash: d.sha256.slice(0, 16) + '…' })}
                </span>
              </>
            ),
          },
          {
            header: '',
            cell: (d) => (
              <>
                <button type="button" onClick={() => open(d)}>
                  {t('documents.open')}
                </button>
                <button type="button" className="secondary" onClick={() => download(d)}>
                  {t('documents.download')}
                </button>
              </>
            ),
          },
        ]}
      />
    </div>
  );
}

function save(url: string, name: string) {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
}
